/// A digest's signature and where it was found.
struct DigestSignature: Sendable, Hashable {
    /// Where a signature came from: the report's ``SignatureSource``.
    typealias Source = SignatureSource

    /// Hex, as S3 metadata holds it.
    var hex: String
    /// `SHA256withRSA` when metadata says so; `nil` when the source does not carry it.
    var algorithm: String?
    var source: Source
    /// For a backfill digest: when CloudTrail generated (and signed) it, from the
    /// `backfill-generation-timestamp` metadata. The key is chosen by this time.
    var backfillGenerationTimestamp: String?

    init(hex: String, algorithm: String?, source: Source, backfillGenerationTimestamp: String? = nil) {
        self.hex = hex
        self.algorithm = algorithm
        self.source = source
        self.backfillGenerationTimestamp = backfillGenerationTimestamp
    }
}
