import Foundation

/// How far a run has come, for a progress display. Handed to
/// ``ValidationOptions/progress`` a few times a second at most.
public struct ValidationProgress: Sendable, Equatable {
    /// Digests judged so far, and how many the time window admits in all (an estimate of the work).
    public var digestsDone: Int
    /// Digests the time window admits, in all chains: the work to do, as far as digests go.
    public var digestsTotal: Int
    /// Log files hashed (or found missing) so far.
    public var logFilesDone: Int
    /// Bytes read from disk, and bytes hashed (uncompressed), so far.
    public var bytesRead: Int
    /// Bytes hashed so far, uncompressed: what ``megabytesPerSecond`` counts.
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
