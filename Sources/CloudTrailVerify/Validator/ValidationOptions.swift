import Foundation

/// What to validate and how: the library's equivalent of the command line.
public struct ValidationOptions: Sendable {
    /// The local copy of the bucket (ROOT).
    public var root: String
    /// The bucket's name; `nil` to take it from the digests (they must agree).
    public var bucket: String?
    /// Only chains under this key prefix; `nil` for every prefix found.
    public var s3Prefix: String?
    /// Local copies of other buckets that digests name, by bucket name.
    public var bucketRoots: [String: String]
    /// Key files or folders.
    public var publicKeys: [PublicKeySource]
    /// Which deliveries to validate; open on both sides by default.
    public var window: TimeWindow
    /// Only this trail (`arn:partition:cloudtrail:region:account:trail/name`).
    public var trailARN: String?
    /// Only this account's chains.
    public var accountID: String?
    /// Only chains from these regions; empty for all.
    public var regions: [String]
    /// How many log files are read at once. Digests are read and checked ahead of the walk by `min(concurrency, 2)`
    /// threads of their own, and log folders accounted for as many at a time.
    public var concurrency: Int
    /// Fail the run on logs delivered during a gap too (they cannot be proven).
    public var strict: Bool = false
    /// Look for log files that no digest lists (`unreferenced`).
    public var checkCoverage: Bool = true
    /// Search the logs around each gap for the events that explain it.
    public var explainGaps: Bool = true
    /// `describe-trails` / `get-trail` output: which trails to validate, and their bucket and prefix.
    public var trailFiles: [String] = []
    /// `get-trail-status` output: digests delivered after the newest one on disk are missing (tail truncation).
    public var trailStatusFile: String?
    /// The same expectation given directly: digests must reach this time.
    public var expectDigestsThrough: Date?
    /// Read, compare with, and update this record of the newest verified digest per chain.
    public var checkpointFile: String?
    /// With ``checkpointFile``: stop each chain's walk at its checkpointed digest.
    public var incremental: Bool = false
    /// Open the log files the walk will hash next on a few threads of their own and ask the kernel to read
    /// them (`posix_fadvise`), so a bucket copy that is not in the page cache is read many files at a time.
    /// It pauses (hints one file in 16) while the files are already cached. Linux only; elsewhere it does nothing.
    public var readAhead: Bool = true
    /// Only this share of the run (`--shard K/N`): the chains and log folders of the account and region
    /// folders that hash to it (``Shard``); `nil` for the whole run.
    public var shard: Shard?
    /// Called with the run's progress a few times a second (from the task running the walk).
    ///
    /// It is `@Sendable`: it may capture constants and `Sendable` objects, not local variables. To keep the latest
    /// value, store it in a `Sendable` box, such as a final class holding a `Mutex` (see <doc:GettingStarted>).
    public var progress: (@Sendable (ValidationProgress) -> Void)?
    /// The order folder entries are visited in; tests shuffle it to prove findings do not depend on it.
    var listingOrder: DirectoryWalker.Order = .asListed
    /// Listed log locations kept in memory before they go to a scratch file; tests make it tiny.
    var listedLogBudget: Int = ListedLogIndex.defaultBudget

    /// Options with everything a run needs up front; the rest are properties with defaults, set afterwards.
    public init(
        root: String,
        bucket: String? = nil,
        s3Prefix: String? = nil,
        bucketRoots: [String: String] = [:],
        publicKeys: [PublicKeySource] = [],
        window: TimeWindow = TimeWindow(),
        trailARN: String? = nil,
        accountID: String? = nil,
        regions: [String] = [],
        concurrency: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.root = root
        self.bucket = bucket
        self.s3Prefix = s3Prefix
        self.bucketRoots = bucketRoots
        self.publicKeys = publicKeys
        self.window = window
        self.trailARN = trailARN
        self.accountID = accountID
        self.regions = regions
        self.concurrency = concurrency
    }
}
