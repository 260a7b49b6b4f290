import Foundation

/// The part of judging a digest that does not depend on the walk: finding and reading the file, its
/// metadata, the checks on its content alone, and its own signature. ``DigestPrefetch`` does this ahead of
/// the walk on threads of its own; the walk then only decides what needs the digest after it in the chain.
extension DigestChain {
    /// What examining one digest file found, before the walk's own checks (``judge(_:successor:)``).
    struct Examination: Sendable {
        enum File: Sendable {
            /// The key has no usable local path.
            case unresolvable(BucketRoots.Unresolvable)
            case notFound
            case folder
            case unreadable(DigestFile.FormatProblem)
            case read(DigestFile, path: String)
        }

        var file: File
        /// The signature in the file's own metadata, when it was read.
        var metadata: (signature: DigestSignature?, problem: String?) = (nil, nil)
        /// ``DigestChain/algorithmProblem(_:)`` of the digest.
        var algorithmProblem: Problem?
        /// The checks of the signed content against its name, place and times, in judging order.
        var contentProblem: Problem?
        /// The metadata's signature checked ahead against the key the walk resolves: used only when the walk
        /// checks that very signature with that very key.
        var preverified: (hex: String, key: PublicKey, verified: Bool)?

        /// Bytes this examination holds (the digest's text), for bounding what is examined ahead.
        var heldBytes: Int {
            if case .read(let digest, _) = file { return digest.rawJSON.count + 1024 }
            return 256
        }
    }

    /// Examines the digest at `location`. With `limits` (for reading ahead, several at once), a file larger
    /// than they allow gives `nil`: the walk reads it itself, alone, as it reads every digest.
    func examine(_ location: S3Location, limits: (size: Int, values: Int)? = nil) -> Examination? {
        let path: String
        switch roots.path(for: location) {
        case .success(let resolved): path = resolved
        case .failure(let why): return Examination(file: .unresolvable(why))
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return Examination(file: .notFound)
        }
        if isDirectory.boolValue { return Examination(file: .folder) }
        let digest: DigestFile
        switch Self.read(path, limits: limits) {
        case .failure(let problem):
            if limits != nil { return nil }
            return Examination(file: .unreadable(problem))
        case .success(let parsed):
            digest = parsed
        }
        var examination = Examination(file: .read(digest, path: path))
        examination.metadata = DigestMetadata.signature(forDigestAt: path)
        examination.algorithmProblem = Self.algorithmProblem(digest)
        examination.contentProblem = Self.timeProblem(digest, key: location.key)
            ?? Self.placeProblem(digest, key: location.key)
            ?? Self.eventTimeProblem(digest)
            ?? Self.repeatedLogProblem(digest)
        if let signature = examination.metadata.signature, let key = signingKey(for: digest, metadata: signature),
           let decoded = Hex.decode(signature.hex), decoded.count == (key.bitCount + 7) / 8 {
            examination.preverified = (signature.hex, key, key.verifies(signature: decoded, over: digest.stringToSign))
        }
        return examination
    }

    /// The key ``judge(_:successor:)`` resolves for `digest`, when it finds one.
    private func signingKey(for digest: DigestFile, metadata: DigestSignature) -> PublicKey? {
        var signedAt = digest.digestEndTime
        var tolerance: TimeInterval = 0
        if identity.isBackfill {
            guard let text = metadata.backfillGenerationTimestamp, let generated = CloudTrailTime.parse(text) else { return nil }
            signedAt = generated
            tolerance = 3600
        }
        guard case .found(let key) = keys.resolve(fingerprint: digest.publicKeyFingerprint, region: identity.region,
                                                   at: signedAt, tolerance: tolerance) else { return nil }
        return key
    }
}
