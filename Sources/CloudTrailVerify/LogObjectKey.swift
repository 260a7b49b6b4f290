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
    init(key: String, accountID: String, region: String) {
        self.key = key
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        let file = parts.last.map(String.init) ?? ""
        let head = "\(accountID)_CloudTrail_\(region)_"
        if file.hasPrefix(head) {
            let stamp = file.dropFirst(head.count).prefix(14)
            deliveryTime = stamp.count == 14 && stamp.last == "Z" ? CloudTrailTime.parse(String(stamp)) : nil
        } else {
            deliveryTime = nil
        }
        if parts.count >= 4 {
            let folders = parts[(parts.count - 4)..<(parts.count - 1)]
            folderDay = CloudTrailTime.parse(folders.joined(separator: "-"))
        } else {
            folderDay = nil
        }
    }
}
