import Foundation

/// The digest files found under a bucket copy's root, grouped into chains.
public struct BucketInventory: Sendable {
    /// One digest file on disk.
    public struct DigestOnDisk: Sendable, Hashable {
        public var key: DigestObjectKey
        public var path: String
    }

    /// Every digest file found, by chain.
    public private(set) var chains: [ChainIdentity: [DigestOnDisk]]

    /// Walks `root` and collects every file whose relative path parses as a digest object key.
    ///
    /// Sidecars (`*.metadata.json`) and log files are passed over here; keys
    /// named by digests are looked up directly when needed.
    public static func scan(root: String) throws(CloudTrailVerifyError) -> BucketInventory {
        let root = BucketRoots.normalize(root)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else {
            throw CloudTrailVerifyError(.unreadableInput, "bucket copy does not exist", path: root)
        }
        guard isDirectory.boolValue else {
            throw CloudTrailVerifyError(.unreadableInput, "bucket copy is not a folder", path: root)
        }
        guard FileManager.default.isReadableFile(atPath: root),
              let enumerator = FileManager.default.enumerator(atPath: root) else {
            throw CloudTrailVerifyError(.unreadableInput, "bucket copy cannot be read", path: root)
        }
        var chains: [ChainIdentity: [DigestOnDisk]] = [:]
        while let next = enumerator.nextObject() as? String {
            // Only digest files: `.../CloudTrail-Digest/...json.gz`.
            guard next.hasSuffix(".json.gz"), next.contains("CloudTrail-Digest/") else { continue }
            guard let key = DigestObjectKey(next) else { continue }
            chains[ChainIdentity(key), default: []].append(DigestOnDisk(key: key, path: root + "/" + next))
        }
        for identity in chains.keys {
            // Ascending by the key's timestamp, like the S3 listing the AWS CLI walks (then by key, for a stable order).
            chains[identity]!.sort { ($0.key.timestampText, $0.key.key) < ($1.key.timestampText, $1.key.key) }
        }
        return BucketInventory(chains: chains)
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
        var parts: [String] = []
        if let prefix { parts.append(prefix) }
        parts.append("AWSLogs")
        if let organizationID { parts.append(organizationID) }
        parts += [accountID, "CloudTrail-Digest", region]
        return parts.joined(separator: "/") + "#" + trailName + (isBackfill ? " (backfill)" : "")
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
