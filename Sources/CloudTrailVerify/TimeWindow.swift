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
    /// Compared as the key's `YYYYMMDDTHHMMSSZ` text, as the CLI does (here as a number).
    func admits(keyTimestamp code: UInt64) -> Bool {
        if let start, code < DigestObjectKey.code(CloudTrailTime.compact(start)) { return false }
        if let end, code > DigestObjectKey.code(CloudTrailTime.compact(end.addingTimeInterval(3600))) { return false }
        return true
    }
}
