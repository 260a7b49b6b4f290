import Foundation

/// Walks one digest chain from its newest digest back to its oldest and judges each digest.
///
/// The walk is the AWS CLI's: start at the newest digest in range, follow
/// `previousDigestS3Object`; after a missing or invalid digest, or at a chain start
/// (null `previous*`), carry on with the newest digest on disk that is older.
/// On top of that it checks what the CLI does not: the key's region and validity
/// window, the signature algorithm, and `previousDigestHashValue`.
struct DigestChain {
    let identity: ChainIdentity
    let bucket: String
    let files: [BucketInventory.DigestOnDisk]
    let roots: BucketRoots
    let keys: PublicKeyStore
    let window: TimeWindow

    /// A log file a valid digest vouches for, waiting to be hashed.
    struct LogCheck: Sendable {
        var entry: DigestFile.LogFileEntry
        var digestURI: String
    }

    struct Outcome: Sendable {
        var digests: [ValidationReport.DigestEntry] = []
        /// Logs of valid digests, to hash; in walk order.
        var logChecks: [LogCheck] = []
        /// Logs that cannot be proven, already judged; keyed by the digest that failed them.
        var unverifiedLogs: [ValidationReport.LogFileEntry] = []
        var gaps: [ValidationReport.Gap] = []
        var foundStart: Date?
        var foundEnd: Date?
    }

    /// What the digest before this one in the walk (the newer one) said about it.
    private struct Successor {
        var uri: String
        var status: VerdictStatus
        var previousLocation: S3Location?
        var previousSignature: String?
        var previousHashValue: String?
    }

    private struct Target {
        var location: S3Location
        /// The key's timestamp, for "older than" comparisons; `nil` when the key is not a digest key.
        var timestampText: String?
    }

    private struct Judgement {
        var status: VerdictStatus
        var reason: DigestReason?
        var message: String?
        var digest: DigestFile?
        var signatureSource: DigestSignature.Source?
    }

    func walk() -> Outcome {
        var outcome = Outcome()
        var pending = files.filter { window.admits(keyTimestamp: $0.key.timestampText) }
        let chainID = identity.id

        func popOlder(than timestampText: String?) -> Target? {
            while let candidate = pending.popLast() {
                guard let bound = timestampText else { return target(candidate) }
                if candidate.key.timestampText < bound { return target(candidate) }
            }
            return nil
        }
        func target(_ file: BucketInventory.DigestOnDisk) -> Target {
            Target(location: S3Location(bucket: bucket, key: file.key.key), timestampText: file.key.timestampText)
        }

        var next = pending.popLast().map(target)
        var lastStart = next.flatMap { $0.timestampText.flatMap(CloudTrailTime.parse) } ?? .distantPast
        var successor: Successor?
        var visited: Set<S3Location> = []

        while let current = next {
            if let start = window.start, lastStart < start { break }
            visited.insert(current.location)
            let uri = current.location.uri
            let judgement = judge(current, successor: successor)
            let digest = judgement.digest

            outcome.digests.append(ValidationReport.DigestEntry(
                s3Uri: uri, status: judgement.status, reason: judgement.reason, message: judgement.message,
                chain: chainID,
                digestStartTime: digest.map { CloudTrailTime.display($0.digestStartTime) },
                digestEndTime: digest.map { CloudTrailTime.display($0.digestEndTime) },
                publicKeyFingerprint: digest?.publicKeyFingerprint,
                signatureSource: judgement.signatureSource,
                logFileCount: digest?.logFiles.count))

            if let digest {
                switch judgement.status {
                case .valid:
                    outcome.logChecks += digest.logFiles.map { LogCheck(entry: $0, digestURI: uri) }
                    let clippedStart = max(digest.digestStartTime, window.start ?? .distantPast)
                    let clippedEnd = min(digest.digestEndTime, window.end ?? .distantFuture)
                    outcome.foundStart = min(outcome.foundStart ?? clippedStart, clippedStart)
                    outcome.foundEnd = max(outcome.foundEnd ?? clippedEnd, clippedEnd)
                case .invalid, .unverified, .missing:
                    let reason: LogFileReason = judgement.status == .invalid ? .digestInvalid : .digestUnverified
                    outcome.unverifiedLogs += digest.logFiles.map {
                        ValidationReport.LogFileEntry(
                            s3Uri: $0.location.uri, status: reason.status, reason: reason, note: nil,
                            message: "listed only by digest \(uri), which is \(judgement.status.rawValue)",
                            chain: chainID, digest: uri,
                            oldestEventTime: $0.oldestEventTime, newestEventTime: $0.newestEventTime)
                    }
                }
            }

            let bound = current.timestampText ?? digest.map { CloudTrailTime.compact($0.digestEndTime) }
            guard let digest, judgement.status == .valid || judgement.status == .unverified else {
                // Missing or invalid: nothing in it can be trusted to point onwards; take the next older file on disk.
                next = popOlder(than: bound)
                successor = digest.map {
                    Successor(uri: uri, status: judgement.status, previousLocation: $0.previousLocation,
                              previousSignature: $0.previousDigestSignature, previousHashValue: $0.previousDigestHashValue)
                }
                continue
            }
            lastStart = digest.digestStartTime
            let here = Successor(uri: uri, status: judgement.status, previousLocation: digest.previousLocation,
                                 previousSignature: digest.previousDigestSignature,
                                 previousHashValue: digest.previousDigestHashValue)
            if let previous = digest.previousLocation {
                let previousKey = DigestObjectKey(previous.key)
                let goesBack = previousKey.map { key in bound.map { key.timestampText < $0 } ?? true } ?? true
                if visited.contains(previous) || !goesBack {
                    // A link that loops or points forward cannot be a real chain; do not follow it.
                    next = popOlder(than: bound)
                    successor = nil
                } else {
                    next = Target(location: previous, timestampText: previousKey?.timestampText)
                    successor = here
                }
            } else {
                next = popOlder(than: bound)
                successor = nil
                if let older = next {
                    let olderEnd = older.timestampText.flatMap(CloudTrailTime.parse)
                    outcome.gaps.append(ValidationReport.Gap(
                        chain: chainID,
                        start: olderEnd.map(CloudTrailTime.display) ?? older.timestampText ?? "",
                        end: CloudTrailTime.display(digest.digestStartTime),
                        olderDigest: older.location.uri, newerDigest: uri))
                }
            }
        }
        return outcome
    }

    private func judge(_ target: Target, successor: Successor?) -> Judgement {
        let path: String
        switch roots.path(for: target.location) {
        case .success(let resolved): path = resolved
        case .failure(.unknownBucket(let name)):
            return Judgement(status: .missing, reason: .notFound,
                             message: "not found: no local copy of bucket \(name) was given (--bucket-root \(name)=DIR)")
        case .failure(.unsafeKey(_, let why)):
            return Judgement(status: .invalid, reason: .unsafePath, message: "unsafe path, not opened: \(why)")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return Judgement(status: .missing, reason: .notFound, message: "not found")
        }

        // Format.
        let digest: DigestFile
        switch Self.read(path) {
        case .failure(let problem):
            return Judgement(status: .invalid, reason: .invalidFormat, message: "invalid format: \(problem.message)")
        case .success(let parsed):
            digest = parsed
        }
        func verdict(_ reason: DigestReason?, _ message: String?, source: DigestSignature.Source? = nil) -> Judgement {
            Judgement(status: reason?.status ?? .valid, reason: reason, message: message, digest: digest,
                      signatureSource: source)
        }

        // Location: a digest names where CloudTrail put it.
        if digest.digestS3Bucket != target.location.bucket || digest.digestS3Object != target.location.key {
            return verdict(.moved, "has been moved from its original location s3://\(digest.digestS3Bucket)/\(digest.digestS3Object)")
        }

        // Signature source: the file's own metadata first, then the newer digest's link.
        let metadata = DigestMetadata.signature(forDigestAt: path)
        var signature = metadata.signature
        var sourceIsTrusted = true
        if signature == nil, let successor, successor.previousLocation == target.location,
           let hex = successor.previousSignature {
            signature = DigestSignature(hex: hex, algorithm: nil, source: .nextDigest)
            sourceIsTrusted = successor.status == .valid
        }

        // Algorithm.
        for claimed in [signature?.algorithm, digest.signatureAlgorithm].compactMap({ $0 }) where claimed != "SHA256withRSA" {
            return verdict(.unsupportedSignatureAlgorithm,
                           "signature algorithm \(claimed) is not SHA256withRSA", source: signature?.source)
        }

        // Key: fingerprint, region, and validity window.
        let key: PublicKey
        switch keys.resolve(fingerprint: digest.publicKeyFingerprint, region: identity.region, at: digest.digestEndTime) {
        case .found(let found):
            key = found
        case .unknownFingerprint:
            return verdict(.unknownFingerprint,
                           "public key not found in region \(identity.region) for fingerprint \(digest.publicKeyFingerprint)",
                           source: signature?.source)
        case .wrongRegion(let regions):
            return verdict(.keyWrongRegion,
                           "public key \(digest.publicKeyFingerprint) belongs to \(regions.joined(separator: ", ")), not \(identity.region)",
                           source: signature?.source)
        case .notValidAt(let candidates):
            let windows = candidates.map {
                "\($0.validityStart.map(CloudTrailTime.display) ?? "-") to \($0.validityEnd.map(CloudTrailTime.display) ?? "-")"
            }
            return verdict(.keyNotValidAtTime,
                           "public key \(digest.publicKeyFingerprint) is valid \(windows.joined(separator: "; ")), not at \(digest.digestEndTimeText)",
                           source: signature?.source)
        }

        // Signature.
        guard let signature else {
            let why = metadata.problem.map { "signature not available (\($0))" }
                ?? "signature not available: no S3 metadata (xattr or .metadata.json sidecar) and no newer digest links to it"
            return verdict(.signatureUnavailable, why)
        }
        let verified = Hex.decode(signature.hex).map { key.verifies(signature: $0, over: digest.stringToSign) } ?? false
        if !verified {
            if !sourceIsTrusted {
                return verdict(.signatureUnavailable,
                               "signature not available: the only candidate came from \(successor?.uri ?? "a newer digest"), which is not itself valid, and it does not verify",
                               source: signature.source)
            }
            return verdict(.signatureFailed, "signature verification failed", source: signature.source)
        }

        // The newer digest's record of this one's content.
        if let successor, successor.status == .valid, successor.previousLocation == target.location,
           let recorded = successor.previousHashValue, recorded.lowercased() != digest.sha256 {
            return verdict(.previousHashMismatch,
                           "content differs from what \(successor.uri) recorded (previousDigestHashValue \(recorded), found \(digest.sha256))",
                           source: signature.source)
        }
        return verdict(nil, nil, source: signature.source)
    }

    static func read(_ path: String) -> Result<DigestFile, DigestFile.FormatProblem> {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? Int else {
            return .failure(.init(message: "cannot read the file"))
        }
        guard size <= DigestFile.maximumFileSize else {
            return .failure(.init(message: "file is \(size) bytes, over the \(DigestFile.maximumFileSize)-byte limit"))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(.init(message: "cannot read the file"))
        }
        return Result { () throws(DigestFile.FormatProblem) in try DigestFile(compressed: [UInt8](data)) }
    }
}
