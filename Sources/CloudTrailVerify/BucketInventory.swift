import Foundation

/// The digest chains found under a bucket copy's root.
///
/// A bucket can hold millions of digests (an organization trail writes one an hour
/// per account and region), so the inventory keeps a small summary per chain, not
/// the chain's files: ``files(of:)`` lists one chain's files when its walk starts,
/// and they are let go when it ends. Memory follows the longest chain, not the bucket.
public struct BucketInventory: Sendable {
    /// One digest file on disk: kept small, since a chain can hold tens of thousands.
    public struct DigestOnDisk: Sendable, Hashable {
        /// The object key (its path below the root).
        public var key: String
        /// The key's end timestamp as `YYYYMMDDHHMMSS`.
        public var timestampCode: UInt64
        /// The file is a symbolic link; it is never read except through ``BucketRoots``' containment check.
        public var isSymbolicLink: Bool

        /// Chain order: by the key's timestamp, like the S3 listing the AWS CLI walks, then by key.
        static func precedes(_ lhs: DigestOnDisk, _ rhs: DigestOnDisk) -> Bool {
            (lhs.timestampCode, lhs.key) < (rhs.timestampCode, rhs.key)
        }
    }

    /// What the survey remembers of one chain.
    public struct ChainSummary: Sendable, Hashable {
        /// Digest files of the chain on disk.
        public var count: Int
        /// The oldest and newest of them, in chain order.
        public var oldest: DigestOnDisk
        public var newest: DigestOnDisk
        /// How many of them the time window of the survey admits, and the oldest and newest of those.
        var admittedCount = 0
        var oldestAdmitted: DigestOnDisk?
        var newestAdmitted: DigestOnDisk?

        init(_ file: DigestOnDisk, admitted: Bool) {
            count = 0
            oldest = file
            newest = file
            add(file, admitted: admitted)
        }

        mutating func add(_ file: DigestOnDisk, admitted: Bool) {
            count += 1
            if DigestOnDisk.precedes(file, oldest) { oldest = file }
            if DigestOnDisk.precedes(newest, file) { newest = file }
            guard admitted else { return }
            admittedCount += 1
            if oldestAdmitted.map({ DigestOnDisk.precedes(file, $0) }) ?? true { oldestAdmitted = file }
            if newestAdmitted.map({ DigestOnDisk.precedes($0, file) }) ?? true { newestAdmitted = file }
        }
    }

    /// The folder scanned.
    public private(set) var root: String

    /// Every chain found, with a summary of its files.
    public private(set) var chains: [ChainIdentity: ChainSummary]

    /// The order folders are listed in (tests shuffle it).
    let order: DirectoryWalker.Order

    /// `…/ACCOUNT/CloudTrail` or `…/ACCOUNT/CloudTrail-Insight`, as a path relative to the root.
    static func isLogFolder(_ relative: String) -> Bool {
        guard relative.hasSuffix("/CloudTrail") || relative.hasSuffix("/CloudTrail-Insight") else { return false }
        let parts = relative.split(separator: "/")
        guard parts.count >= 2 else { return false }
        let account = parts[parts.count - 2]
        return account.count == 12 && account.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// The local path of a digest found by the scan.
    public func path(of file: DigestOnDisk) -> String { root + "/" + file.key }

    /// Walks `root` and finds every digest chain: every file whose relative path parses as a digest object key.
    ///
    /// Sidecars (`*.metadata.json`) and log files are passed over here; keys
    /// named by digests are looked up directly when needed. Symbolic links to
    /// folders are not followed; a symbolic link named like a digest is listed and
    /// then judged (``BucketRoots`` refuses it if it leads outside the copy).
    public static func scan(root: String) throws(CloudTrailVerifyError) -> BucketInventory {
        try scan(root: root, order: .asListed)
    }

    /// `admits` gets each digest key's timestamp code and says whether the time window lets the walk start there.
    static func scan(root: String, order: DirectoryWalker.Order,
                     admits: (UInt64) -> Bool = { _ in true }) throws(CloudTrailVerifyError) -> BucketInventory {
        let root = BucketRoots.normalize(root)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else {
            throw CloudTrailVerifyError(.unreadableInput, "bucket copy does not exist", path: root)
        }
        guard isDirectory.boolValue else {
            throw CloudTrailVerifyError(.unreadableInput, "bucket copy is not a folder", path: root)
        }
        var chains: [ChainIdentity: ChainSummary] = [:]
        // Log folders (`ACCOUNT/CloudTrail/`, `ACCOUNT/CloudTrail-Insight/`) hold no digests and can hold
        // millions of files: the coverage check lists them later, only for the scopes it needs.
        try listDigests(root: root, folder: nil, order: order) { key, file in
            let identity = ChainIdentity(key)
            let admitted = admits(file.timestampCode)
            if chains[identity] == nil {
                chains[identity] = ChainSummary(file, admitted: admitted)
            } else {
                chains[identity]!.add(file, admitted: admitted)
            }
        }
        return BucketInventory(root: root, chains: chains, order: order)
    }

    /// The digest files of one chain, in chain order (oldest first), listed afresh from its folder.
    public func files(of identity: ChainIdentity) throws(CloudTrailVerifyError) -> [DigestOnDisk] {
        let folder = DigestObjectKey.regionFolder(prefix: identity.prefix, organizationID: identity.organizationID,
                                                  accountID: identity.accountID, kind: "CloudTrail-Digest",
                                                  region: identity.region)
        // The survey reached this folder without following a link; a link put in its place since must not lead out.
        guard BucketRoots.isContained(root + "/" + folder, in: root) else {
            throw CloudTrailVerifyError(.unreadableInput, "the digest folder became a link leading outside the bucket copy during the run",
                                        path: root + "/" + folder)
        }
        var files: [DigestOnDisk] = []
        try Self.listDigests(root: root, folder: folder, order: order) { key, file in
            if ChainIdentity(key) == identity { files.append(file) }
        }
        files.sort(by: DigestOnDisk.precedes)
        return files
    }

    /// Calls `found` for every digest file below `folder` (relative to `root`; `nil` for all of it).
    private static func listDigests(root: String, folder: String?, order: DirectoryWalker.Order,
                                    found: (DigestObjectKey, DigestOnDisk) -> Void) throws(CloudTrailVerifyError) {
        let base = folder.map { $0 + "/" } ?? ""
        do {
            try DirectoryWalker.walk(folder.map { root + "/" + $0 } ?? root, order: order,
                                     skipFolder: { Self.isLogFolder(base + $0) }) { entry in
                // Only digest files: `.../CloudTrail-Digest/...json.gz`.
                let next = base + entry.relativePath
                guard next.hasSuffix(".json.gz"), next.contains("CloudTrail-Digest/") else { return }
                guard let key = DigestObjectKey(next) else { return }
                found(key, DigestOnDisk(key: next, timestampCode: key.timestampCode, isSymbolicLink: entry.isSymbolicLink))
            }
        } catch {
            throw CloudTrailVerifyError(.unreadableInput, "bucket copy cannot be read (\(error.message))", path: error.path)
        }
    }
}

/// What identifies one digest chain: one trail's digests from one region under one prefix.
public struct ChainIdentity: Hashable, Sendable, Comparable {
    public var prefix: String?
    public var organizationID: String?
    public var accountID: String
    public var region: String
    public var trailName: String
    public var homeRegion: String
    public var isBackfill: Bool

    public init(_ key: DigestObjectKey) {
        prefix = key.prefix
        organizationID = key.organizationID
        accountID = key.accountID
        region = key.region
        trailName = key.trailName
        homeRegion = key.homeRegion
        isBackfill = key.isBackfill
    }

    /// A readable, unique name: the digest folder and the trail.
    public var id: String {
        DigestObjectKey.regionFolder(prefix: prefix, organizationID: organizationID, accountID: accountID,
                                     kind: "CloudTrail-Digest", region: region)
            + "#" + trailName + (isBackfill ? " (backfill)" : "")
    }

    /// The trail's ARN as far as the keys tell it. An organization trail's owner
    /// account is not in the keys, so the member account stands in unless `--trail-arn` says otherwise.
    public var trailARN: String {
        "arn:\(Self.partition(of: homeRegion)):cloudtrail:\(homeRegion):\(accountID):trail/\(trailName)"
    }

    static func partition(of region: String) -> String {
        if region.hasPrefix("cn-") { return "aws-cn" }
        if region.hasPrefix("us-gov-") { return "aws-us-gov" }
        if region.hasPrefix("us-iso-") { return "aws-iso" }
        if region.hasPrefix("us-isob-") { return "aws-iso-b" }
        return "aws"
    }

    public static func < (lhs: ChainIdentity, rhs: ChainIdentity) -> Bool {
        (lhs.id) < (rhs.id)
    }
}
