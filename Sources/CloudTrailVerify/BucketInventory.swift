import Foundation

/// The digest files found under a bucket copy's root, grouped into chains.
public struct BucketInventory: Sendable {
    /// One digest file on disk: kept small, since a bucket can hold hundreds of thousands.
    public struct DigestOnDisk: Sendable, Hashable {
        /// The object key (its path below the root).
        public var key: String
        /// The key's end timestamp as `YYYYMMDDHHMMSS`.
        public var timestampCode: UInt64
        /// The file is a symbolic link; it is never read except through ``BucketRoots``' containment check.
        public var isSymbolicLink: Bool
    }

    /// The folder scanned.
    public private(set) var root: String

    /// Every digest file found, by chain.
    public private(set) var chains: [ChainIdentity: [DigestOnDisk]]

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

    /// Walks `root` and collects every file whose relative path parses as a digest object key.
    ///
    /// Sidecars (`*.metadata.json`) and log files are passed over here; keys
    /// named by digests are looked up directly when needed. Symbolic links to
    /// folders are not followed; a symbolic link named like a digest is listed and
    /// then judged (``BucketRoots`` refuses it if it leads outside the copy).
    public static func scan(root: String) throws(CloudTrailVerifyError) -> BucketInventory {
        try scan(root: root, order: .asListed)
    }

    static func scan(root: String, order: DirectoryWalker.Order) throws(CloudTrailVerifyError) -> BucketInventory {
        let root = BucketRoots.normalize(root)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else {
            throw CloudTrailVerifyError(.unreadableInput, "bucket copy does not exist", path: root)
        }
        guard isDirectory.boolValue else {
            throw CloudTrailVerifyError(.unreadableInput, "bucket copy is not a folder", path: root)
        }
        var chains: [ChainIdentity: [DigestOnDisk]] = [:]
        do {
            // Log folders (`ACCOUNT/CloudTrail/`, `ACCOUNT/CloudTrail-Insight/`) hold no digests and can hold
            // millions of files: the coverage check lists them later, only for the scopes it needs.
            try DirectoryWalker.walk(root, order: order, skipFolder: Self.isLogFolder) { entry in
                // Only digest files: `.../CloudTrail-Digest/...json.gz`.
                let next = entry.relativePath
                guard next.hasSuffix(".json.gz"), next.contains("CloudTrail-Digest/") else { return }
                guard let key = DigestObjectKey(next) else { return }
                chains[ChainIdentity(key), default: []].append(
                    DigestOnDisk(key: next, timestampCode: key.timestampCode, isSymbolicLink: entry.isSymbolicLink))
            }
        } catch {
            throw CloudTrailVerifyError(.unreadableInput, "bucket copy cannot be read (\(error.message))", path: error.path)
        }
        for identity in chains.keys {
            // Ascending by the key's timestamp, like the S3 listing the AWS CLI walks (then by key, for a stable order).
            chains[identity]!.sort { ($0.timestampCode, $0.key) < ($1.timestampCode, $1.key) }
        }
        return BucketInventory(root: root, chains: chains)
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
