/// Where the signature a digest was checked against came from, most direct first.
///
/// Reported as ``ValidationReport/DigestEntry/signatureSource`` so an auditor can see which
/// digests carried their own S3 metadata and which were vouched for by the next digest.
public enum SignatureSource: String, Sendable, Codable, Hashable, CaseIterable {
    /// The extended attribute `user.signature` on the digest file (`rclone copy --metadata` keeps it).
    case extendedAttribute = "xattr"
    /// A `<digest>.metadata.json` sidecar holding `aws s3api head-object` output.
    case sidecar
    /// The `previousDigestSignature` of the digest that follows it in the chain.
    case nextDigest = "next_digest"
}
