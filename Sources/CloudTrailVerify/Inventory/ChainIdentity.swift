import Foundation

/// What identifies one digest chain: one trail's digests from one region under one prefix.
struct ChainIdentity: Hashable, Sendable, Comparable {
    var prefix: String?
    var organizationID: String?
    var accountID: String
    var region: String
    var trailName: String
    var homeRegion: String
    var isBackfill: Bool

    init(_ key: DigestObjectKey) {
        prefix = key.prefix
        organizationID = key.organizationID
        accountID = key.accountID
        region = key.region
        trailName = key.trailName
        homeRegion = key.homeRegion
        isBackfill = key.isBackfill
    }

    /// A readable, unique name: the digest folder and the trail.
    var id: String {
        DigestObjectKey.regionFolder(prefix: prefix, organizationID: organizationID, accountID: accountID,
                                     kind: "CloudTrail-Digest", region: region)
            + "#" + trailName + (isBackfill ? " (backfill)" : "")
    }

    /// The trail's ARN as far as the keys tell it. An organization trail's owner
    /// account is not in the keys, so the member account stands in unless `--trail-arn` says otherwise.
    var trailARN: String {
        "arn:\(Self.partition(of: homeRegion)):cloudtrail:\(homeRegion):\(accountID):trail/\(trailName)"
    }

    static func partition(of region: String) -> String {
        if region.hasPrefix("cn-") { return "aws-cn" }
        if region.hasPrefix("us-gov-") { return "aws-us-gov" }
        if region.hasPrefix("us-iso-") { return "aws-iso" }
        if region.hasPrefix("us-isob-") { return "aws-iso-b" }
        return "aws"
    }

    // By bytes: prefixes and trail names are parts of object keys (see ``ByteWise``).
    static func == (lhs: ChainIdentity, rhs: ChainIdentity) -> Bool {
        ByteWise.equal(lhs.prefix, rhs.prefix) && ByteWise.equal(lhs.organizationID, rhs.organizationID)
            && ByteWise.equal(lhs.accountID, rhs.accountID) && ByteWise.equal(lhs.region, rhs.region)
            && ByteWise.equal(lhs.trailName, rhs.trailName) && ByteWise.equal(lhs.homeRegion, rhs.homeRegion)
            && lhs.isBackfill == rhs.isBackfill
    }

    func hash(into hasher: inout Hasher) {
        ByteWise.hash(prefix, into: &hasher)
        ByteWise.hash(organizationID, into: &hasher)
        ByteWise.hash(accountID, into: &hasher)
        ByteWise.hash(region, into: &hasher)
        ByteWise.hash(trailName, into: &hasher)
        ByteWise.hash(homeRegion, into: &hasher)
        hasher.combine(isBackfill)
    }

    static func < (lhs: ChainIdentity, rhs: ChainIdentity) -> Bool {
        if !ByteWise.equal(lhs.id, rhs.id) { return ByteWise.less(lhs.id, rhs.id) }
        return ByteWise.less(lhs.homeRegion, rhs.homeRegion)
    }
}
