import Foundation

/// The `--start-time` / `--end-time` range, with the AWS CLI's semantics.
public struct TimeWindow: Sendable, Hashable {
    public var start: Date?
    public var end: Date?

    public init(start: Date? = nil, end: Date? = nil) {
        self.start = start
        self.end = end
    }

    /// Whether a digest whose key carries `timestampText` is read as a starting point.
    ///
    /// Like the AWS CLI: from start-time, and up to one hour after end-time, because
    /// the digest of the following hour lists logs delivered before end-time.
    /// Compared as `YYYYMMDDTHHMMSSZ` text, as the CLI does.
    func admits(keyTimestamp timestampText: String) -> Bool {
        if let start, timestampText < CloudTrailTime.compact(start) { return false }
        if let end, timestampText > CloudTrailTime.compact(end.addingTimeInterval(3600)) { return false }
        return true
    }
}
