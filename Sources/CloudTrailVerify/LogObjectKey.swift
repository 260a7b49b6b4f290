import Foundation

/// The delivery time a CloudTrail log file's object key carries.
///
/// `[prefix/]AWSLogs/[o-org/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHMMZ_UNIQUE.json.gz`
public struct LogObjectKey: Hashable, Sendable {
    public var key: String
    /// From the file name (minute precision), or `nil` when the name is not CloudTrail's.
    public var deliveryTime: Date?
    /// The day from the `YYYY/MM/DD` folders, or `nil` when the folders are not dates.
    public var folderDay: Date?

    /// Reads the times out of `key`, a path inside a scope's `CloudTrail/REGION/` folder.
    ///
    /// Byte slicing rather than splitting: this runs once for every file in the log folders.
    init(key: String, accountID: String, region: String) {
        self.key = key
        let bytes = Array(key.utf8)
        let fileStart = (bytes.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 }) ?? 0
        let head = Array("\(accountID)_CloudTrail_\(region)_".utf8)
        deliveryTime = nil
        if bytes.count - fileStart >= head.count + 14, Array(bytes[fileStart..<(fileStart + head.count)]) == head {
            let stamp = bytes[(fileStart + head.count)..<(fileStart + head.count + 14)]
            if stamp.last == UInt8(ascii: "Z") { deliveryTime = CloudTrailTime.parse(String(decoding: stamp, as: UTF8.self)) }
        }
        // The three folders before the file: YYYY/MM/DD.
        folderDay = nil
        if fileStart >= 11 {
            let folders = bytes[(fileStart - 11)..<(fileStart - 1)]
            let shape = Array(folders)
            if (fileStart == 11 || bytes[fileStart - 12] == UInt8(ascii: "/")),
               shape[4] == UInt8(ascii: "/"), shape[7] == UInt8(ascii: "/") {
                var text = shape
                text[4] = UInt8(ascii: "-")
                text[7] = UInt8(ascii: "-")
                folderDay = CloudTrailTime.parse(String(decoding: text, as: UTF8.self))
            }
        }
    }
}
