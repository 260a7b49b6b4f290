import Foundation

/// Finds a digest's signature in what survived the download: extended attributes,
/// then a `<digest>.metadata.json` sidecar.
///
/// The third source, the next digest's `previousDigestSignature`, is the chain
/// walk's business (``DigestChain``).
enum DigestMetadata {
    /// The signature from the file's own metadata, or `nil` when neither source has one.
    /// `problem` explains a sidecar that exists but could not be used.
    static func signature(forDigestAt path: String) -> (signature: DigestSignature?, problem: String?) {
        if let hex = ExtendedAttributes.value(named: "user.signature", path: path) {
            let algorithm = ExtendedAttributes.value(named: "user.signature-algorithm", path: path)
            let generated = ExtendedAttributes.value(named: "user.backfill-generation-timestamp", path: path)
            return (DigestSignature(hex: hex.trimmingCharacters(in: .whitespacesAndNewlines),
                                    algorithm: algorithm?.trimmingCharacters(in: .whitespacesAndNewlines),
                                    source: .extendedAttribute,
                                    backfillGenerationTimestamp: generated?.trimmingCharacters(in: .whitespacesAndNewlines)), nil)
        }
        let sidecar = path + ".metadata.json"
        switch RegularFile.read(sidecar, limit: maximumSidecarSize) {
        case .failure(.notFound): return (nil, nil)
        case .failure(let problem): return (nil, "sidecar \(sidecar): \(problem.message)")
        case .success(let bytes): return parseSidecar(bytes, path: sidecar)
        }
    }

    /// Sidecars are a few hundred bytes; anything much larger is not `head-object` output.
    static let maximumSidecarSize = 1024 * 1024

    /// Reads the signature out of `aws s3api head-object` output.
    static func parseSidecar(_ data: [UInt8], path sidecar: String) -> (signature: DigestSignature?, problem: String?) {
        guard let object = try? StrictJSON.parse(data), object.members != nil else {
            return (nil, "sidecar \(sidecar) is not a JSON object")
        }
        // `aws s3api head-object` output nests user metadata under "Metadata".
        let metadata = object["Metadata"] ?? object
        guard case .string(let hex)? = metadata["signature"] else {
            return (nil, "sidecar \(sidecar) has no Metadata.signature")
        }
        var algorithm: String?
        if case .string(let text)? = metadata["signature-algorithm"] { algorithm = text }
        var generated: String?
        if case .string(let text)? = metadata["backfill-generation-timestamp"] { generated = text }
        return (DigestSignature(hex: hex, algorithm: algorithm, source: .sidecar, backfillGenerationTimestamp: generated), nil)
    }
}
