import Foundation

/// How far a run has come, for a progress display. Handed to
/// ``ValidationOptions/progress`` a few times a second at most.
public struct ValidationProgress: Sendable, Equatable {
    /// Digests judged so far, and how many the time window admits in all (an estimate of the work).
    public var digestsDone: Int
    public var digestsTotal: Int
    public var logFilesDone: Int
    /// Bytes read from disk, and bytes hashed (uncompressed), so far.
    public var bytesRead: Int
    public var bytesHashed: Int
    /// Seconds since the run began.
    public var elapsed: TimeInterval

    /// Uncompressed megabytes hashed per second.
    public var megabytesPerSecond: Double { elapsed > 0 ? Double(bytesHashed) / 1_000_000 / elapsed : 0 }

    /// Time left, from the share of digests judged; `nil` until there is something to go by.
    public var estimatedRemaining: TimeInterval? {
        guard digestsDone > 0, digestsTotal > digestsDone, elapsed > 1 else { return digestsDone >= digestsTotal ? 0 : nil }
        return elapsed * Double(digestsTotal - digestsDone) / Double(digestsDone)
    }
}
