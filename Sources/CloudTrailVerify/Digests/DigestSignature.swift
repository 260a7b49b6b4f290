/// A digest's signature and where it was found.
public struct DigestSignature: Sendable, Hashable {
    /// Where a signature came from, most direct first.
    public enum Source: String, Sendable, Codable, Hashable {
        /// Extended attribute `user.signature` on the digest file (`rclone copy --metadata`).
        case extendedAttribute = "xattr"
        /// A `<digest>.metadata.json` sidecar holding `aws s3api head-object` output.
        case sidecar
        /// The `previousDigestSignature` of the digest that follows it in the chain.
        case nextDigest = "next_digest"
    }

    /// Hex, as S3 metadata holds it.
    public var hex: String
    /// `SHA256withRSA` when metadata says so; `nil` when the source does not carry it.
    public var algorithm: String?
    public var source: Source
    /// For a backfill digest: when CloudTrail generated (and signed) it, from the
    /// `backfill-generation-timestamp` metadata. The key is chosen by this time.
    public var backfillGenerationTimestamp: String?

    public init(hex: String, algorithm: String?, source: Source, backfillGenerationTimestamp: String? = nil) {
        self.hex = hex
        self.algorithm = algorithm
        self.source = source
        self.backfillGenerationTimestamp = backfillGenerationTimestamp
    }
}
