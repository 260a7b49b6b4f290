import Foundation

/// The digests under a bucket copy whose signature only their own S3 metadata can give,
/// so that a download fetches metadata (`aws s3api head-object`) for those alone.
///
/// CloudTrail records each digest's signature twice: in the digest object's S3 metadata,
/// which `aws s3 sync` drops, and in the `previousDigestSignature` of the digest that
/// follows it. So a digest needs its own metadata only when no digest on disk links to it
/// with a signature: the newest digest of each chain, the last one before each gap, and
/// any digest whose successor is missing. A backfill digest always needs its metadata
/// (its key is chosen by `backfill-generation-timestamp`, which only the metadata holds).
///
/// ```swift
/// let needed = try SignaturesNeeded.find(options: ValidationOptions(root: "bucket"))
/// for entry in needed.digests { print(entry.key) }
/// ```
///
/// The answer is conservative: a digest that cannot be read, or a symbolic link (never
/// read here), is listed. A digest that already has a usable signature in an extended
/// attribute or a `<digest>.metadata.json` sidecar is not. Whether the successor's
/// signature is genuine is the validator's business: if it is not, the digest is reported.
public struct SignaturesNeeded: Sendable {
    /// Why a digest is listed.
    public enum Reason: String, Sendable, Hashable, Codable {
        /// No digest on disk links to it with a `previousDigestSignature`: the newest of a chain, or the last before a gap.
        case noSuccessor = "no_successor"
        /// A backfill digest: it needs its `backfill-generation-timestamp` metadata whatever links to it.
        case backfill
        /// It cannot be read as a digest; its metadata is fetched in case it helps.
        case unreadable
        /// A symbolic link: not read here, so nothing is known about what links to it.
        case symbolicLink = "symbolic_link"
    }

    /// One digest that needs its own S3 metadata.
    public struct Entry: Sendable, Hashable {
        /// The object key (its path below the root), for `aws s3api head-object --key`.
        public var key: String
        public var reason: Reason
        /// Why, for a person: what is missing or what went wrong.
        public var detail: String
    }

    /// Every digest that needs its own metadata, in chain order, chain by chain.
    public var digests: [Entry]
    /// How many digest files the filters selected.
    public var digestCount: Int
    /// How many of them already have a usable signature of their own (extended attribute or sidecar).
    public var withMetadata: Int
    /// How many have none but are vouched for by the digest that links to them.
    public var vouchedBySuccessor: Int

    /// Finds the digests under `options.root` that need their own S3 metadata.
    ///
    /// Uses only the filters of `options`: ``ValidationOptions/s3Prefix``, ``ValidationOptions/trailARN``,
    /// ``ValidationOptions/accountID``, ``ValidationOptions/regions`` and ``ValidationOptions/bucket``
    /// (the bucket a link must name; by default the one each digest names itself). Keys and
    /// the time window play no part: which signatures exist does not depend on them.
    public static func find(options: ValidationOptions) throws(CloudTrailVerifyError) -> SignaturesNeeded {
        let trail = try options.trailARN.map { (text) throws(CloudTrailVerifyError) in try TrailARN(text) }
        let inventory = try BucketInventory.scan(root: options.root, order: options.listingOrder)
        // The same selection as the validator's (BucketValidator.makePlan), without the --trail files.
        let filter = ChainFilter(options: options, trail: trail)
        let selected = inventory.chains.keys.filter(filter.admits).sorted()
        guard !selected.isEmpty else {
            if inventory.chains.isEmpty {
                throw CloudTrailVerifyError(.noDigestsFound, "no CloudTrail digest files under it", path: inventory.root,
                                            expected: "[prefix/]AWSLogs/[o-org/]ACCOUNT/CloudTrail-Digest/REGION/YYYY/MM/DD/*.json.gz")
            }
            throw CloudTrailVerifyError(.noDigestsFound, "no digest chain matches --s3-prefix, --trail-arn, --account-id or --region",
                                        path: inventory.root,
                                        found: inventory.chains.keys.sorted().map(\.id).joined(separator: ", "))
        }

        var result = SignaturesNeeded(digests: [], digestCount: 0, withMetadata: 0, vouchedBySuccessor: 0)
        // Links from one chain to a digest of another: never made by CloudTrail, but "a digest on disk
        // links to it" is the rule, so they count. Few, so kept for the whole run and applied at the end.
        var crossChainLinks: Set<ByteLocation> = []
        var candidates: [(location: ByteLocation, entry: Entry)] = []
        for identity in selected {
            // One chain at a time: memory follows the longest chain, not the bucket.
            let files = try inventory.files(of: identity)
            result.digestCount += files.count
            var links: Set<ByteLocation> = []
            var unsigned: [(location: ByteLocation, entry: Entry)] = []
            var own: Set<ByteLocation> = []
            for file in files {
                let keyBytes = Array(file.key.utf8)
                if file.isSymbolicLink {
                    // Not read: a link may lead outside the copy, and only the validator judges that.
                    unsigned.append((ByteLocation(bucket: options.bucket.map { Array($0.utf8) }, key: keyBytes),
                                     Entry(key: file.key, reason: .symbolicLink, detail: "a symbolic link, not read")))
                    continue
                }
                let path = inventory.path(of: file)
                let digest: DigestFile
                switch DigestChain.read(path) {
                case .failure(let problem):
                    let location = ByteLocation(bucket: options.bucket.map { Array($0.utf8) }, key: keyBytes)
                    if hasOwnSignature(path, backfill: identity.isBackfill) {
                        result.withMetadata += 1
                    } else {
                        unsigned.append((location, Entry(key: file.key, reason: .unreadable, detail: problem.message)))
                    }
                    continue
                case .success(let parsed):
                    digest = parsed
                }
                if let previousBucket = digest.previousDigestS3Bucket, let previousKey = digest.previousDigestS3Object,
                   digest.previousDigestSignature != nil {
                    links.insert(ByteLocation(bucket: Array(previousBucket.utf8), key: Array(previousKey.utf8)))
                }
                let location = ByteLocation(bucket: Array((options.bucket ?? digest.digestS3Bucket).utf8), key: keyBytes)
                own.insert(location)
                if hasOwnSignature(path, backfill: identity.isBackfill) {
                    result.withMetadata += 1
                } else if identity.isBackfill {
                    unsigned.append((location, Entry(key: file.key, reason: .backfill,
                                                     detail: "a backfill digest needs its backfill-generation-timestamp metadata")))
                } else {
                    unsigned.append((location, Entry(key: file.key, reason: .noSuccessor,
                                                     detail: "no digest on disk links to it with previousDigestSignature")))
                }
            }
            for candidate in unsigned {
                if candidate.entry.reason == .noSuccessor, links.contains(candidate.location) {
                    result.vouchedBySuccessor += 1
                } else {
                    candidates.append(candidate)
                }
            }
            crossChainLinks.formUnion(links.subtracting(own))
        }
        for candidate in candidates {
            if candidate.entry.reason == .noSuccessor, crossChainLinks.contains(candidate.location) {
                result.vouchedBySuccessor += 1
            } else {
                result.digests.append(candidate.entry)
            }
        }
        return result
    }

    /// Whether the digest's own metadata (xattr or sidecar) holds a signature, and for a backfill
    /// digest its generation time too. A sidecar that cannot be used does not count.
    static func hasOwnSignature(_ path: String, backfill: Bool) -> Bool {
        guard let signature = DigestMetadata.signature(forDigestAt: path).signature else { return false }
        return !backfill || signature.backfillGenerationTimestamp != nil
    }

    /// A bucket and key compared as bytes: object keys are byte strings, and two keys that
    /// Unicode calls equal are still different objects. A `nil` bucket matches no link.
    struct ByteLocation: Hashable {
        var bucket: [UInt8]?
        var key: [UInt8]
    }
}
