import Foundation

/// The delivery time a CloudTrail log file's object key carries, read from its bytes.
///
/// `[prefix/]AWSLogs/[o-org/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHMMZ_UNIQUE.json.gz`
struct LogObjectKey: Sendable {
    /// From the file name (minute precision), or `nil` when the name is not CloudTrail's.
    var deliveryTime: Date?
    /// The day from the `YYYY/MM/DD` folders right above the file, or `nil` when they are not dates.
    var folderDay: Date?

    /// Whether the name's date and the day folder both parse and disagree: CloudTrail writes both from
    /// the delivery time, so such a file was renamed or moved.
    var datesDisagree: Bool {
        guard let deliveryTime, let folderDay else { return false }
        return CloudTrailTime.startOfDay(deliveryTime) != folderDay
    }

    /// Reads the times out of `key`, a path inside a scope's `CloudTrail/REGION/` folder.
    init(key: String, accountID: String, region: String) {
        self.init(bytes: Array(key.utf8), accountID: accountID, region: region)
    }

    init(bytes: [UInt8], accountID: String, region: String) {
        self.init(bytes: bytes, head: Self.head(accountID: accountID, region: region))
    }

    /// `ACCOUNT_CloudTrail_REGION_`, the start of every log file name of a scope: made once per folder.
    static func head(accountID: String, region: String) -> [UInt8] {
        Array("\(accountID)_CloudTrail_\(region)_".utf8)
    }

    /// Byte slicing rather than splitting: this runs once for every file in the log folders.
    /// `head` is ``head(accountID:region:)`` of the scope.
    init(bytes: [UInt8], head: [UInt8]) {
        let fileStart = (bytes.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 }) ?? 0
        deliveryTime = nil
        // CloudTrail's names end in `.json.gz` (a sidecar a download tool left beside a log does not).
        if bytes.count - fileStart >= head.count + 14, bytes[fileStart..<(fileStart + head.count)].elementsEqual(head),
           bytes.suffix(8).elementsEqual(".json.gz".utf8) {
            let stamp = bytes[(fileStart + head.count)..<(fileStart + head.count + 14)]
            if stamp.last == UInt8(ascii: "Z") {
                deliveryTime = bytes.withUnsafeBufferPointer { CloudTrailTime.parse(utf8: UnsafeBufferPointer(rebasing: $0[stamp.indices])) }
            }
        }
        // The three folders before the file: YYYY/MM/DD.
        folderDay = nil
        if fileStart >= 11 {
            let shape = Array(bytes[(fileStart - 11)..<(fileStart - 1)])
            if fileStart == 11 || bytes[fileStart - 12] == UInt8(ascii: "/"),
               shape[4] == UInt8(ascii: "/"), shape[7] == UInt8(ascii: "/"),
               shape.enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 || ($0.element >= 0x30 && $0.element <= 0x39) }) {
                var text = shape
                text[4] = UInt8(ascii: "-")
                text[7] = UInt8(ascii: "-")
                folderDay = text.withUnsafeBufferPointer { CloudTrailTime.parse(utf8: $0) }
            }
        }
    }
}
