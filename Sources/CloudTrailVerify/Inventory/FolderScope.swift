/// One account and region's folders in a bucket: `[prefix/]AWSLogs/[o-org/]ACCOUNT/KIND/REGION`.
///
/// CloudTrail delivers every trail's logs for an account and region into one log folder
/// (`KIND` = `CloudTrail`), and their digests into one digest folder (`CloudTrail-Digest`):
/// the unit the coverage check and the filters work on. Compared and hashed by bytes.
struct FolderScope: Hashable, Comparable, Sendable {
    var prefix: String?
    var organizationID: String?
    var accountID: String
    var region: String

    init(prefix: String?, organizationID: String?, accountID: String, region: String) {
        self.prefix = prefix
        self.organizationID = organizationID
        self.accountID = accountID
        self.region = region
    }

    init(_ identity: ChainIdentity) {
        self.init(prefix: identity.prefix, organizationID: identity.organizationID, accountID: identity.accountID,
                  region: identity.region)
    }

    /// `[prefix/]AWSLogs/[o-org/]ACCOUNT/KIND/REGION`.
    func folder(kind: String) -> String {
        DigestObjectKey.regionFolder(prefix: prefix, organizationID: organizationID, accountID: accountID,
                                     kind: kind, region: region)
    }

    /// The log folder, `…/CloudTrail/REGION`.
    var logFolder: String { folder(kind: "CloudTrail") }

    static func == (lhs: FolderScope, rhs: FolderScope) -> Bool {
        ByteWise.equal(lhs.prefix, rhs.prefix) && ByteWise.equal(lhs.organizationID, rhs.organizationID)
            && ByteWise.equal(lhs.accountID, rhs.accountID) && ByteWise.equal(lhs.region, rhs.region)
    }

    func hash(into hasher: inout Hasher) {
        ByteWise.hash(prefix, into: &hasher)
        ByteWise.hash(organizationID, into: &hasher)
        ByteWise.hash(accountID, into: &hasher)
        ByteWise.hash(region, into: &hasher)
    }

    static func < (lhs: FolderScope, rhs: FolderScope) -> Bool {
        ByteWise.less(lhs.logFolder, rhs.logFolder)
    }
}
