import Foundation

/// The `--start-time` / `--end-time` range, with the AWS CLI's semantics.
public struct TimeWindow: Sendable, Hashable {
    /// Logs delivered before this are not validated; `nil` starts at the oldest digest.
    public var start: Date? { didSet { startCode = Self.code(start) } }
    /// Logs delivered after this are not validated (digests up to an hour later are read, as they list logs delivered before it); `nil` ends at the newest digest.
    public var end: Date? { didSet { endCode = Self.code(end?.addingTimeInterval(3600)) } }
    /// The bounds as key timestamp codes, computed once: `admits` runs for every digest file.
    private var startCode: UInt64?
    private var endCode: UInt64?

    /// A window from `start` to `end`; both open by default.
    public init(start: Date? = nil, end: Date? = nil) {
        self.start = start
        self.end = end
        startCode = Self.code(start)
        endCode = Self.code(end?.addingTimeInterval(3600))
    }

    private static func code(_ date: Date?) -> UInt64? {
        date.map { DigestObjectKey.code(CloudTrailTime.compact($0)) }
    }

    /// Whether a digest whose key carries `timestampText` is read as a starting point.
    ///
    /// Like the AWS CLI: from start-time, and up to one hour after end-time, because
    /// the digest of the following hour lists logs delivered before end-time.
    /// Compared as the key's `YYYYMMDDTHHMMSSZ` text, as the CLI does (here as a number).
    func admits(keyTimestamp code: UInt64) -> Bool {
        if let startCode, code < startCode { return false }
        if let endCode, code > endCode { return false }
        return true
    }
}
