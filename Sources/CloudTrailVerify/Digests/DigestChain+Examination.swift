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
            case read(DigestFile)
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

        /// About the bytes this examination holds, for bounding what is examined ahead: the digest's text, and as
        /// much again for its parsed log entries (their strings are copies of parts of the text).
        var heldBytes: Int {
            if case .read(let digest) = file { return 2 * digest.rawJSON.count + 1024 }
            return 256
        }
    }

    /// Examines the digest at `location`. With `limits` (for reading ahead, several at once), a file larger
    /// than they allow gives `nil`: the walk reads it itself, alone, as it reads every digest.
    func examine(_ location: S3Location, limits: (size: Int, values: Int)? = nil) -> Examination? {
        // Opened by name in its held-open folder: one lookup per file instead of one per path component, for
        // the digest and its sidecar. A link, a file that is not regular or an unexpected error is left to the
        // reading by path below, which decides each with its own words.
        if case .success(let place) = roots.place(for: location), let folder = place.folder, folder.handle.descriptor >= 0 {
            switch RegularFile.open(named: place.name, in: folder.handle) {
            case .notFound: return Examination(file: .notFound)
            case .folder: return Examination(file: .folder)
            case .opened(let file):
                return examined(Self.read(file, limits: limits), location, limits: limits) {
                    DigestMetadata.signature(ofOpened: file, named: place.name, in: folder.handle, path: place.path)
                }
            case .undecided:
                break
            }
        }
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
        return examined(Self.read(path, limits: limits), location, limits: limits) {
            DigestMetadata.signature(forDigestAt: path)
        }
    }

    /// What reading the digest gave, examined: a file that fails within `limits` is left to the walk (`nil`);
    /// one that was read gets its metadata, its content checks and its metadata signature with the key it names.
    private func examined(_ read: Result<DigestFile, DigestFile.FormatProblem>, _ location: S3Location,
                          limits: (size: Int, values: Int)?,
                          metadata: () -> (signature: DigestSignature?, problem: String?)) -> Examination? {
        let digest: DigestFile
        switch read {
        case .failure(let problem): return limits == nil ? Examination(file: .unreadable(problem)) : nil
        case .success(let parsed): digest = parsed
        }
        var examination = Examination(file: .read(digest))
        examination.metadata = metadata()
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

    /// The bytes of the digest file at `location` (within ``DigestFile/maximumFileSize``), opened by name in its
    /// folder when it can be; `nil` when it has no usable path, or is not there.
    static func readBytes(at location: S3Location, roots: BucketRoots) -> Result<[UInt8], RegularFile.Problem>? {
        guard case .success(let place) = roots.place(for: location) else { return nil }
        if let folder = place.folder, folder.handle.descriptor >= 0 {
            switch RegularFile.open(named: place.name, in: folder.handle) {
            case .notFound, .folder: return nil
            case .opened(let file): return file.readAll(limit: DigestFile.maximumFileSize)
            case .undecided: break
            }
        }
        guard case .success(let path) = roots.path(for: location) else { return nil }
        return RegularFile.read(path, limit: DigestFile.maximumFileSize)
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
