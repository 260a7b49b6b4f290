/// The filters that select digest chains (`--s3-prefix`, `--account-id`, `--region`, `--trail-arn`):
/// one rule for the validator and for `signatures-needed`. Names are compared as bytes (see ``ByteWise``).
struct ChainFilter {
    /// `--s3-prefix`, without its trailing slash; `nil` for every prefix.
    var prefix: String?
    var accountID: String?
    var regions: [String]
    var trail: TrailARN?

    init(options: ValidationOptions, trail: TrailARN?) {
        prefix = options.s3Prefix.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }.flatMap { $0.isEmpty ? nil : $0 }
        accountID = options.accountID
        regions = options.regions
        self.trail = trail
    }

    func admits(_ identity: ChainIdentity) -> Bool {
        if let prefix, !ByteWise.equal(identity.prefix, prefix) { return false }
        if let accountID, !ByteWise.equal(identity.accountID, accountID) { return false }
        if !regions.isEmpty, !regions.contains(where: { ByteWise.equal($0, identity.region) }) { return false }
        if let trail {
            guard ByteWise.equal(identity.trailName, trail.name), ByteWise.equal(identity.homeRegion, trail.region) else { return false }
            // An organization trail's digests carry member accounts, not the owner's.
            if identity.organizationID == nil, !ByteWise.equal(identity.accountID, trail.accountID) { return false }
        }
        return true
    }
}
