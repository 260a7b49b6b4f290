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
    /// The digests of the chain that the time window admits as starting points, oldest first.
    let admitted: [BucketInventory.DigestOnDisk]
    /// The digest an earlier run verified (`--checkpoint`), and its content hash then.
    var checkpoint: (location: S3Location, sha256: String)? = nil
    /// Stop the walk at ``checkpoint`` when it is still intact (`--incremental`).
    var incremental = false
    /// How many threads read the chain's digests for ``readClaims()`` (`--jobs`).
    var claimReaders = 1
    /// Examines the digests the walk will judge next, ahead of it; `nil`: each is examined when judged.
    var prefetch: DigestPrefetch?

    /// A log file a valid digest vouches for, waiting to be hashed.
    struct LogCheck: Sendable {
        var entry: DigestFile.LogFileEntry
        var digestURI: String
    }

    /// One digest judged: what to report, what to hash next, and the gap below it if any.
    struct Step: Sendable {
        var digest: ValidationReport.DigestEntry
        /// Logs of a valid digest, to hash, in listed order.
        var logChecks: [LogCheck] = []
        /// Logs that cannot be proven, already judged.
        var unverifiedLogs: [ValidationReport.LogFileEntry] = []
        var gap: ValidationReport.Gap?
        /// The span this digest covers, when it is valid (clipped to the window).
        var found: (start: Date, end: Date)?
        /// Digests inferred missing after this one (a run of deleted digests), newest first.
        var inferredMissing: [ValidationReport.DigestEntry] = []
        /// Every log location the digest lists, whatever its verdict: those are not "unreferenced".
        var listedLogs: [S3Location] = []
        /// The checkpointed digest where an incremental walk stops.
        var isCheckpointStop = false
        /// A digest on disk the walk never reached, judged after it.
        var isOffChain = false
    }

    /// Longest run of deleted digests that is spelled out hour by hour; a hostile key
    /// timestamp must not make the report enormous.
    static let maximumInferredRun = 24 * 31

    /// What the digest before this one in the walk (the newer one) said about it.
    fileprivate struct Successor {
        var uri: String
        var status: VerdictStatus
        var previousLocation: S3Location?
        var previousSignature: String?
        var previousHashValue: String?
    }

    fileprivate struct Target {
        var location: S3Location
        /// The key's timestamp, for "older than" comparisons; `nil` when the key is not a digest key.
        var timestampCode: UInt64?
    }

    fileprivate struct Judgement {
        var status: VerdictStatus
        var reason: DigestReason?
        var message: String?
        var digest: DigestFile?
        var signatureSource: DigestSignature.Source?
        /// The signature that verified, as written: a successor's link must carry this one.
        var signatureHex: String? = nil
    }

    /// `admitted` is ``files`` filtered by `window`, worked out once by the plan.
    init(identity: ChainIdentity, bucket: String, files: [BucketInventory.DigestOnDisk],
         admitted: [BucketInventory.DigestOnDisk], roots: BucketRoots, keys: PublicKeyStore, window: TimeWindow) {
        self.identity = identity
        self.bucket = bucket
        self.files = files
        self.admitted = admitted
        self.roots = roots
        self.keys = keys
        self.window = window
        var byKey: [Int: Int] = [:]
        byKey.reserveCapacity(files.count)
        for (index, file) in files.enumerated() { byKey[Self.keyHash(file.key)] = byKey[Self.keyHash(file.key)] ?? index }
        fileByKey = byKey
    }

    /// Hash of a key's bytes → its first index in ``files``: ``fileIndex(of:)`` is asked several times per digest,
    /// and finding it by the key's timestamp would parse the key each time.
    private let fileByKey: [Int: Int]

    private static func keyHash(_ key: String) -> Int {
        var hasher = Hasher()
        ByteWise.hash(key, into: &hasher)
        return hasher.finalize()
    }

    /// Walks the chain one digest at a time, so the caller can hash logs and report
    /// while the walk goes on, holding no more than the list of digest files.
    struct Walker {
        let chain: DigestChain
        private var pending: [BucketInventory.DigestOnDisk]
        private var next: Target?
        private var lastStart: Date
        private var successor: Successor?
        // Hashes, not strings: a chain can hold a hundred thousand digests and memory must stay bounded.
        private var visited: Set<Int> = []
        /// Content hash → digest, and claimed predecessor → claimant, for judging digests off the chain.
        private var contentOwners: [Int: Int] = [:]
        private var predecessorClaims: [Int: Int] = [:]
        private var oldestVisitedCode: UInt64 = .max
        private var offChainQueue: [BucketInventory.DigestOnDisk]?
        private var stopped = false
        /// The predecessor of the last valid digest, judged ahead to check the link that names it.
        private var peeked: (location: S3Location, judgement: Judgement)?
        /// A hole between the last valid digest's start and its predecessor's end: a gap, reported with the digest.
        private var hole: (older: S3Location, end: Date)?
        /// What every digest of the chain claims, read once before the first valid digest is checked against
        /// the chain: a fork is a fork, and a log listed twice is listed twice, whatever the digests' names.
        private var claims: Claims?
        /// Digests (indices in ``DigestChain/admitted``) judged when another digest's check needed them: valid or not.
        private var judgedValid: [Int: DigestFile?] = [:]
        /// For a digest found to be one branch of a fork: its logs the other branch lists with the same hash
        /// (location fingerprints). Those are proven by either branch; the others are not.
        private var forkShared: Set<Int>?

        /// Whether the walk judged this location (by link, listing or as an off-chain file).
        func visited(_ location: S3Location) -> Bool { visited.contains(S3Location.fingerprint(location)) }

        init(_ chain: DigestChain) {
            self.chain = chain
            pending = chain.admitted
            next = nil
            lastStart = .distantPast
            next = popOlder(than: nil)
            lastStart = next.flatMap { $0.timestampCode }.flatMap(DigestChain.date(fromCode:)) ?? .distantPast
        }

        private mutating func popOlder(than code: UInt64?) -> Target? {
            while let candidate = pending.popLast() {
                if let code, candidate.timestampCode >= code { continue }
                // Reached through a link already; never report a digest twice.
                if visited.contains(S3Location.fingerprint(S3Location(bucket: chain.bucket, key: candidate.key))) { continue }
                return Target(location: S3Location(bucket: chain.bucket, key: candidate.key),
                              timestampCode: candidate.timestampCode)
            }
            return nil
        }

        /// The checks that need more than the digest itself: its link stays in the chain (a splice), no other
        /// signed digest claims its predecessor (a fork), it lists no log that belongs to another digest, and its
        /// link names the predecessor's own content and signature and starts where the predecessor ended. The
        /// predecessor is judged here, ahead, and kept for the walk. A finding lands on this digest, so its
        /// authentic predecessor is then judged on its own.
        private mutating func checkAgainstChain(_ digest: DigestFile, at current: Target) -> Problem? {
            if let problem = chain.spliceProblem(digest) { return problem }
            if claims == nil { claims = chain.readClaims() }
            if let problem = forkProblem(digest, at: current) { return problem }
            if let problem = sharedLogProblem(digest, at: current) { return problem }
            guard let previous = digest.previousLocation, !visited.contains(S3Location.fingerprint(previous)),
                  let previousCode = DigestObjectKey(previous.key)?.timestampCode,
                  current.timestampCode.map({ previousCode < $0 }) ?? true else { return nil }
            let here = Successor(uri: current.location.uri, status: .valid, previousLocation: previous,
                                 previousSignature: digest.previousDigestSignature,
                                 previousHashValue: digest.previousDigestHashValue)
            let ahead = chain.judge(Target(location: previous, timestampCode: previousCode), successor: here)
            let recordedSignature = digest.previousDigestSignature
            let ownSignature = ahead.signatureSource == .nextDigest ? nil : ahead.signatureHex
            switch (ahead.status, ahead.reason) {
            case (.valid, _):
                if let ownSignature, let recordedSignature, !DigestChain.sameHex(ownSignature, recordedSignature) {
                    return Problem(.linkMismatch,
                                   "previousDigestSignature is not the signature of \(previous.uri) (its own, which verifies, differs), though previousDigestHashValue matches it")
                }
                if let older = ahead.digest {
                    if digest.digestStartTime < older.digestEndTime {
                        return Problem(.overlap,
                                       "starts \(digest.digestStartTimeText), before its predecessor \(previous.uri) ended (\(older.digestEndTimeText))")
                    }
                    if digest.digestStartTime > older.digestEndTime {
                        // Not a finding on either digest: nothing vouches for the time between them.
                        hole = (previous, older.digestEndTime)
                    }
                }
            case (_, .previousHashMismatch?):
                if let ownSignature, let recordedSignature, DigestChain.sameHex(ownSignature, recordedSignature) {
                    return Problem(.linkMismatch,
                                   "previousDigestHashValue \(digest.previousDigestHashValue ?? "null") is not the hash of \(previous.uri), though previousDigestSignature is that digest's own signature, which verifies over its content")
                }
            case (_, .signatureFailed?), (_, .malformedSignature?):
                if ahead.signatureSource == .nextDigest, let older = ahead.digest, let recorded = digest.previousDigestHashValue,
                   DigestChain.sameHex(recorded, older.sha256) {
                    return Problem(.linkMismatch,
                                   "previousDigestSignature does not verify over \(previous.uri), though previousDigestHashValue is that digest's hash")
                }
            default:
                break
            }
            peeked = (previous, ahead)
            return nil
        }

        /// The digest at `index` in ``DigestChain/admitted``, when it is valid on its own (judged once).
        private mutating func validDigest(at index: Int) -> DigestFile? {
            if let known = judgedValid[index] { return known }
            let file = chain.admitted[index]
            let judged = chain.judge(Target(location: S3Location(bucket: chain.bucket, key: file.key),
                                            timestampCode: file.timestampCode), successor: nil)
            let valid = judged.status == .valid ? judged.digest : nil
            judgedValid[index] = valid
            return valid
        }

        /// Check 4, between digests: a log this digest lists that another validly signed digest of the chain lists
        /// too. CloudTrail lists a log in the digest of the hour it delivered it (its name says the minute), so the
        /// digest whose span does not hold that minute is the one in the wrong; the finding lands on it when the
        /// walk reaches it.
        private mutating func sharedLogProblem(_ digest: DigestFile, at current: Target) -> Problem? {
            guard let shared = claims?.sharedLogs, !shared.isEmpty else { return nil }
            for log in digest.logFiles {
                guard let listers = shared[S3Location.fingerprint(log.location)] else { continue }
                for index in listers where !DigestChain.sameLocation(S3Location(bucket: chain.bucket, key: chain.admitted[index].key), current.location) {
                    guard let other = validDigest(at: index),
                          let entry = other.logFiles.first(where: { DigestChain.sameLocation($0.location, log.location) }),
                          !DigestChain.delivered(log, within: digest) else { continue }
                    let hashes = DigestChain.sameHex(entry.expectedSHA256, log.expectedSHA256) ? "the same hash" : "another hash (\(entry.expectedSHA256))"
                    return Problem(.logListedTwice,
                                   "lists \(log.location.uri), which was not delivered during its span (\(digest.digestStartTimeText) to \(digest.digestEndTimeText)) and which s3://\(chain.bucket)/\(chain.admitted[index].key) lists too, with \(hashes)")
                }
            }
            return nil
        }

        /// Check 8: another validly signed digest of the chain claims the same predecessor. Both branches are
        /// reported (each when the walk judges it); the logs only one branch lists are not proven.
        private mutating func forkProblem(_ digest: DigestFile, at current: Target) -> Problem? {
            guard let previous = digest.previousLocation else { return nil }
            for index in claims?.predecessors[S3Location.fingerprint(previous)] ?? [] {
                let other = S3Location(bucket: chain.bucket, key: chain.admitted[index].key)
                guard !DigestChain.sameLocation(other, current.location) else { continue }
                guard let branch = validDigest(at: index),
                      let claimed = branch.previousLocation, DigestChain.sameLocation(claimed, previous) else { continue }
                var hashes: [Int: String] = [:]
                for log in branch.logFiles { hashes[S3Location.fingerprint(log.location)] = log.expectedSHA256 }
                forkShared = Set(digest.logFiles.compactMap { log in
                    let fingerprint = S3Location.fingerprint(log.location)
                    return hashes[fingerprint].map { DigestChain.sameHex($0, log.expectedSHA256) } == true ? fingerprint : nil
                })
                return Problem(.fork, "claims the same predecessor \(previous.uri) as \(other.uri), also validly signed: a forked chain (both branches are reported; the logs only one branch lists are not proven)")
            }
            return nil
        }

        /// The next digest of the walk, then the digests on disk the walk never reached, then `nil`.
        mutating func nextStep() -> Step? {
            if offChainQueue == nil, let step = nextChainStep() { return step }
            if offChainQueue == nil {
                // Digests in range the walk passed by: below its newest point and above its oldest.
                offChainQueue = chain.admitted.filter { file in
                    file.timestampCode > oldestVisitedCode
                        && !visited.contains(S3Location.fingerprint(S3Location(bucket: chain.bucket, key: file.key)))
                }
            }
            guard let file = offChainQueue?.popLast() else { return nil }
            visited.insert(S3Location.fingerprint(S3Location(bucket: chain.bucket, key: file.key)))
            return chain.judgeOffChain(file, contentOwners: contentOwners, predecessorClaims: predecessorClaims)
        }

        private mutating func nextChainStep() -> Step? {
            guard !stopped, let current = next else { return nil }
            if let start = chain.window.start, lastStart < start { return nil }
            visited.insert(S3Location.fingerprint(current.location))
            let uri = current.location.uri
            let chainID = chain.identity.id
            var judgement: Judgement
            if let peeked, DigestChain.sameLocation(peeked.location, current.location) {
                judgement = peeked.judgement
            } else {
                judgement = chain.judge(current, successor: successor)
            }
            peeked = nil
            let digest = judgement.digest
            var reachedCheckpoint = false
            if let checkpoint = chain.checkpoint, checkpoint.location == current.location, let digest {
                if digest.sha256 != checkpoint.sha256 {
                    judgement.status = .invalid
                    judgement.reason = .checkpointMismatch
                    judgement.message = "differs from the digest the checkpoint recorded (SHA-256 \(checkpoint.sha256), found \(digest.sha256))"
                } else if chain.incremental, judgement.status == .valid {
                    reachedCheckpoint = true
                }
            }
            if let code = current.timestampCode { oldestVisitedCode = min(oldestVisitedCode, code) }
            hole = nil
            forkShared = nil
            if !reachedCheckpoint, let digest, judgement.status == .valid,
               let problem = checkAgainstChain(digest, at: current) {
                judgement.status = problem.reason.status
                judgement.reason = problem.reason
                judgement.message = problem.message
                hole = nil
            }
            if let digest {
                let owner = chain.fileIndex(of: current.location) ?? -1
                contentOwners[digest.sha256.hashValue] = contentOwners[digest.sha256.hashValue] ?? owner
                if let previous = digest.previousLocation {
                    predecessorClaims[S3Location.fingerprint(previous)] = predecessorClaims[S3Location.fingerprint(previous)] ?? owner
                }
            }

            var step = Step(digest: ValidationReport.DigestEntry(
                s3URI: uri, status: judgement.status, reason: judgement.reason, message: judgement.message,
                chain: chainID,
                digestStartTime: digest.map { CloudTrailTime.display($0.digestStartTime) },
                digestEndTime: digest.map { CloudTrailTime.display($0.digestEndTime) },
                publicKeyFingerprint: digest?.publicKeyFingerprint,
                signatureSource: judgement.signatureSource,
                logFileCount: digest?.logFiles.count, sha256: digest?.sha256))

            if reachedCheckpoint {
                // Verified, with its logs, by the run that wrote the checkpoint: the walk ends here.
                step.digest.message = "verified by an earlier run (checkpoint); the walk stops here and its logs are not read again"
                step.listedLogs = digest?.logFiles.map(\.location) ?? []
                if let digest {
                    step.found = (max(digest.digestStartTime, chain.window.start ?? .distantPast),
                                  min(digest.digestEndTime, chain.window.end ?? .distantFuture))
                }
                step.isCheckpointStop = true
                stopped = true
                return step
            }

            if let digest {
                step.listedLogs = digest.logFiles.map(\.location)
                if judgement.status == .valid {
                    step.logChecks = digest.logFiles.map { LogCheck(entry: $0, digestURI: uri) }
                    step.found = (max(digest.digestStartTime, chain.window.start ?? .distantPast),
                                  min(digest.digestEndTime, chain.window.end ?? .distantFuture))
                } else {
                    let reason: LogFileReason = judgement.status == .invalid ? .digestInvalid : .digestUnverified
                    // One branch of a fork: what both branches list (with the same hash) is proven by either.
                    let shared = forkShared ?? []
                    let isShared = { (log: DigestFile.LogFileEntry) in shared.contains(S3Location.fingerprint(log.location)) }
                    step.logChecks = digest.logFiles.filter(isShared).map { LogCheck(entry: $0, digestURI: uri) }
                    step.unverifiedLogs = digest.logFiles.filter { !isShared($0) }.map {
                        ValidationReport.LogFileEntry(
                            s3URI: $0.location.uri, status: reason.status, reason: reason, note: nil,
                            message: "listed only by digest \(uri), which is \(judgement.status.rawValue)",
                            chain: chainID, digest: uri,
                            oldestEventTime: $0.oldestEventTime, newestEventTime: $0.newestEventTime)
                    }
                }
            }

            let bound = current.timestampCode ?? digest.map { DigestObjectKey.code(CloudTrailTime.compact($0.digestEndTime)) }
            guard let digest, judgement.status == .valid || judgement.status == .unverified else {
                // Missing or invalid: nothing in it can be trusted to point onwards; take the next older file on disk.
                next = popOlder(than: bound)
                // A deleted run around a missing digest, or around a file at a deleted digest's name that is
                // not a valid digest (junk planted there must not hide the other deleted hours).
                if (judgement.reason == .notFound && successor != nil) || judgement.status == .invalid {
                    step.inferredMissing = chain.inferMissing(after: current, status: judgement.status, before: next)
                }
                successor = digest.map {
                    Successor(uri: uri, status: judgement.status, previousLocation: $0.previousLocation,
                              previousSignature: $0.previousDigestSignature, previousHashValue: $0.previousDigestHashValue)
                }
                return step
            }
            lastStart = digest.digestStartTime
            let here = Successor(uri: uri, status: judgement.status, previousLocation: digest.previousLocation,
                                 previousSignature: digest.previousDigestSignature,
                                 previousHashValue: digest.previousDigestHashValue)
            if let previous = digest.previousLocation {
                let previousCode = DigestObjectKey(previous.key)?.timestampCode
                let goesBack = previousCode.map { code in bound.map { code < $0 } ?? true } ?? true
                if visited.contains(S3Location.fingerprint(previous)) || !goesBack {
                    // A link that loops or points forward cannot be a real chain; do not follow it.
                    next = popOlder(than: bound)
                    successor = nil
                } else {
                    // A link whose key carries no timestamp is judged (unsafe, missing…); after it the
                    // walk goes on below the digest that made the link.
                    next = Target(location: previous, timestampCode: previousCode ?? bound)
                    successor = here
                    if let hole, DigestChain.sameLocation(hole.older, previous) {
                        // A hole between linked digests: reported like a chain start's gap, from the older end.
                        step.gap = ValidationReport.Gap(
                            chain: chainID, start: CloudTrailTime.display(hole.end),
                            end: CloudTrailTime.display(digest.digestStartTime),
                            olderDigest: previous.uri, newerDigest: uri)
                    }
                }
            } else {
                next = popOlder(than: bound)
                successor = nil
                // Only a proven chain start shows a gap: an unverified one may be a file planted at a
                // deleted digest's name, and the hours below it are inferred missing instead.
                if let older = next, judgement.status == .valid {
                    let olderEnd = older.timestampCode.flatMap(DigestChain.date(fromCode:))
                    step.gap = ValidationReport.Gap(
                        chain: chainID,
                        start: olderEnd.map(CloudTrailTime.display) ?? "",
                        end: CloudTrailTime.display(digest.digestStartTime),
                        olderDigest: older.location.uri, newerDigest: uri)
                }
            }
            if judgement.status != .valid {
                // An unproven digest's link (or lack of one) proves nothing about the hours below it.
                step.inferredMissing = chain.inferMissing(after: current, status: judgement.status, before: next)
            }
            return step
        }
    }

    static func date(fromCode code: UInt64) -> Date? {
        var text = String(code)
        guard text.count == 14 else { return nil }
        text.insert("T", at: text.index(text.startIndex, offsetBy: 8))
        return CloudTrailTime.parse(text + "Z")
    }

    /// The digests that should lie between a missing digest and the next older one on disk,
    /// one per hour of the chain's cadence (the missing one itself is already reported).
    fileprivate func inferMissing(after missing: Target, status: VerdictStatus,
                                  before older: Target?) -> [ValidationReport.DigestEntry] {
        guard let parsed = DigestObjectKey(missing.location.key), let olderCode = older?.timestampCode,
              let olderEnd = DigestChain.date(fromCode: olderCode) else { return [] }
        let missingEnd = parsed.timestamp
        let hours = Int(((missingEnd.timeIntervalSince(olderEnd)) / 3600).rounded())
        guard hours >= 2 else { return [] }
        return (1..<min(hours, Self.maximumInferredRun + 1)).map { step in
            let end = missingEnd.addingTimeInterval(-3600 * Double(step))
            let key = parsed.replacingTimestamp(with: end)
            return ValidationReport.DigestEntry(
                s3URI: S3Location(bucket: missing.location.bucket, key: key).uri, status: .missing, reason: .notFound,
                message: "not found: inferred from the hourly cadence between \(missing.location.uri) (\(status.rawValue)) and \(older!.location.uri); a digest ending about \(CloudTrailTime.display(end)) should exist",
                chain: identity.id, digestStartTime: nil, digestEndTime: CloudTrailTime.display(end),
                publicKeyFingerprint: nil, signatureSource: nil, logFileCount: nil, inferred: true)
        }
    }

    /// What the digests the window admits claim, by location fingerprint; values are indices in ``admitted``.
    struct Claims {
        /// Predecessor → every digest that names it as its previous digest.
        var predecessors: [Int: [Int]] = [:]
        /// Log → every digest that lists it, only for logs listed by two digests or more.
        var sharedLogs: [Int: [Int]] = [:]
    }

    /// Reads every digest file the window admits once. Unreadable and unsafe files claim nothing; they are
    /// judged where the walk meets them. Memory: one entry per listed log while reading, then only the shared ones.
    ///
    /// Nothing is hashed while this runs (it comes before the first valid digest's logs are queued), so the
    /// files are read by ``claimReaders`` threads at once, a batch at a time, and merged in file order: the
    /// claims come out the same as read one by one. Those threads read within small limits (``claimReadLimits``),
    /// so that two digests parsed at once cost little; a file they cannot read that way (too large, or not a
    /// digest) is read again in full when its batch is merged, alone, as the walk reads one digest at a time.
    func readClaims() -> Claims {
        var claims = Claims()
        // Every (log fingerprint, digest index) listed, sorted at the end to find the logs listed twice: a flat
        // array is a third of what a dictionary of first listers held, and a chain lists a quarter million logs.
        var listings: [(fingerprint: Int, index: Int)] = []
        // An incremental walk stops at the checkpoint: what lies below it was read by the run that wrote it.
        let floor = incremental ? checkpoint.flatMap { DigestObjectKey($0.location.key)?.timestampCode } ?? 0 : 0
        let indices = admitted.indices.filter { admitted[$0].timestampCode >= floor }
        let readers = max(1, claimReaders)
        let batchSize = 64 * readers
        var batchStart = 0
        while batchStart < indices.count {
            let batch = Array(indices[batchStart..<min(batchStart + batchSize, indices.count)])
            batchStart += batch.count
            let read = DisjointSlots<FileClaim>(count: batch.count)
            if readers > 1 {
                DispatchQueue.concurrentPerform(iterations: readers) { [self] reader in
                    for slot in stride(from: reader, to: batch.count, by: readers) {
                        read.store(claim(ofFile: batch[slot], limits: Self.claimReadLimits), at: slot)
                    }
                }
            }
            for (slot, index) in batch.enumerated() {
                guard let claim = read[slot] ?? claim(ofFile: index, limits: nil) else { continue }
                if let previous = claim.previous {
                    claims.predecessors[previous, default: []].append(index)
                }
                for fingerprint in claim.logs { listings.append((fingerprint, index)) }
            }
        }
        // Sorted by fingerprint, then by index: each log's listers in file order, as they were read.
        listings.sort { $0.fingerprint != $1.fingerprint ? $0.fingerprint < $1.fingerprint : $0.index < $1.index }
        var start = 0
        while start < listings.count {
            var end = start + 1
            while end < listings.count, listings[end].fingerprint == listings[start].fingerprint { end += 1 }
            if listings[end - 1].index != listings[start].index {
                var listers: [Int] = []
                for position in start..<end where listers.last != listings[position].index {
                    listers.append(listings[position].index)
                }
                claims.sharedLogs[listings[start].fingerprint] = listers
            }
            start = end
        }
        let listedBytes = listings.capacity * MemoryLayout<(fingerprint: Int, index: Int)>.stride
        listings = []
        // Read on several threads: what their parses freed is spread over their arenas. Give it back.
        FreedMemory.release(after: listedBytes)
        return claims
    }

    /// What one digest claims: its predecessor and its logs, as location fingerprints.
    private struct FileClaim: Sendable {
        var previous: Int?
        var logs: [Int]
    }

    /// Inflated size and JSON values of the digests ``readClaims()`` reads in parallel: real digests are far
    /// smaller, and two parses this size cost a few megabytes.
    static let claimReadLimits = (size: 1 << 20, values: 50_000)

    /// The claims of the admitted digest at `index`, or `nil` when it cannot be read as a digest (within
    /// `limits`, when given, instead of a digest's).
    private func claim(ofFile index: Int, limits: (size: Int, values: Int)?) -> FileClaim? {
        guard case .success(let bytes) = Self.readBytes(at: S3Location(bucket: bucket, key: admitted[index].key), roots: roots)
        else { return nil }
        let claims: (previous: S3Location?, logs: [S3Location])
        do {
            claims = try DigestFile.claims(compressed: bytes, sizeLimit: limits?.size ?? DigestFile.maximumUncompressedSize)
        } catch {
            // Possibly a large tree first (a bomb of small values): give its pages back, as a full read does.
            FreedMemory.release(after: FreedMemory.threshold)
            return nil
        }
        return FileClaim(previous: claims.previous.map(S3Location.fingerprint), logs: claims.logs.map(S3Location.fingerprint))
    }

    /// Judges a digest file the walk never reached: a replay under another name, a
    /// duplicate, a fork, or simply unlinked. All are invalid: the chain does not vouch for them.
    /// Where a location sits in ``files`` (sorted by timestamp, then key), if it is one of them.
    func fileIndex(of location: S3Location) -> Int? {
        guard ByteWise.equal(location.bucket, bucket) else { return nil }
        // Every key in `files` parses with the timestamp it is sorted by, so the key found by its bytes is the
        // one the search below finds; a hash that names another key (a collision) falls back to the search.
        if let index = fileByKey[Self.keyHash(location.key)], ByteWise.equal(files[index].key, location.key) { return index }
        guard let code = DigestObjectKey(location.key)?.timestampCode else { return nil }
        let probe = BucketInventory.DigestOnDisk(key: location.key, timestampCode: code, isSymbolicLink: false)
        let low = files.partitioningIndex { !BucketInventory.DigestOnDisk.precedes($0, probe) }
        return low < files.count && ByteWise.equal(files[low].key, location.key) ? low : nil
    }

    /// A digest of the chain named by its index in ``files``, for messages.
    func name(ofFile index: Int) -> String {
        index >= 0 && index < files.count ? S3Location(bucket: bucket, key: files[index].key).uri : "a digest of the chain"
    }

    fileprivate func judgeOffChain(_ file: BucketInventory.DigestOnDisk, contentOwners: [Int: Int],
                                   predecessorClaims: [Int: Int]) -> Step {
        let location = S3Location(bucket: bucket, key: file.key)
        let uri = location.uri
        var entry = ValidationReport.DigestEntry(
            s3URI: uri, status: .invalid, reason: .offChain, message: nil, chain: identity.id,
            digestStartTime: nil, digestEndTime: nil, publicKeyFingerprint: nil, signatureSource: nil, logFileCount: nil)
        let digest: DigestFile
        switch roots.path(for: location) {
        case .failure(.unsafeKey(_, let why)):
            entry.reason = .unsafePath
            entry.message = "unsafe path, not opened: \(why)"
            return Step(digest: entry, isOffChain: true)
        case .failure(.unknownBucket):
            entry.reason = .notFound
            entry.status = .missing
            return Step(digest: entry, isOffChain: true)
        case .success(let path):
            switch Self.read(path) {
            case .failure(let problem):
                entry.reason = .invalidFormat
                entry.message = "invalid format: \(problem.message) (and no digest of the chain links to it)"
                return Step(digest: entry, isOffChain: true)
            case .success(let parsed):
                digest = parsed
            }
        }
        entry.digestStartTime = CloudTrailTime.display(digest.digestStartTime)
        entry.digestEndTime = CloudTrailTime.display(digest.digestEndTime)
        entry.publicKeyFingerprint = digest.publicKeyFingerprint
        entry.logFileCount = digest.logFiles.count
        if let owner = contentOwners[digest.sha256.hashValue] {
            entry.reason = .duplicate
            entry.message = "off the chain: the same bytes as \(name(ofFile: owner))"
        } else if !ByteWise.equal(digest.digestS3Bucket, bucket) || !ByteWise.equal(digest.digestS3Object, file.key) {
            entry.reason = .moved
            entry.message = "has been moved from its original location s3://\(digest.digestS3Bucket)/\(digest.digestS3Object): a copy stored under another name, off the chain"
        } else if let previous = digest.previousLocation, let claimant = predecessorClaims[S3Location.fingerprint(previous)] {
            entry.reason = .fork
            entry.message = "off the chain: claims the same predecessor \(previous.uri) as \(name(ofFile: claimant)) (a forked chain)"
        } else {
            entry.message = "off the chain: no newer digest links to it, so the chain does not vouch for it"
        }
        var step = Step(digest: entry)
        step.isOffChain = true
        step.listedLogs = digest.logFiles.map(\.location)
        step.unverifiedLogs = digest.logFiles.map {
            ValidationReport.LogFileEntry(
                s3URI: $0.location.uri, status: .unverified, reason: .digestInvalid, note: nil,
                message: "listed only by digest \(uri), which is off the chain", chain: identity.id, digest: uri,
                oldestEventTime: $0.oldestEventTime, newestEventTime: $0.newestEventTime)
        }
        return step
    }

    fileprivate func judge(_ target: Target, successor: Successor?) -> Judgement {
        // Examined ahead by the prefetch threads when it can be; otherwise here, in full (without limits,
        // `examine` always gives an examination).
        let examination = prefetch?.take(target.location) ?? examine(target.location)!
        let digest: DigestFile
        switch examination.file {
        case .unresolvable(.unknownBucket(let name)):
            return Judgement(status: .missing, reason: .notFound,
                             message: "not found: no local copy of bucket \(name) was given")
        case .unresolvable(.unsafeKey(_, let why)):
            return Judgement(status: .invalid, reason: .unsafePath, message: "unsafe path, not opened: \(why)")
        case .notFound:
            return Judgement(status: .missing, reason: .notFound, message: "not found")
        case .folder:
            return Judgement(status: .invalid, reason: .invalidFormat, message: "invalid format: a folder, not a file")
        case .unreadable(let problem):
            return Judgement(status: .invalid, reason: .invalidFormat, message: "invalid format: \(problem.message)")
        case .read(let parsed):
            digest = parsed
        }
        func verdict(_ reason: DigestReason?, _ message: String?, source: DigestSignature.Source? = nil) -> Judgement {
            Judgement(status: reason?.status ?? .valid, reason: reason, message: message, digest: digest,
                      signatureSource: source)
        }

        // Location: a digest names where CloudTrail put it.
        if !ByteWise.equal(digest.digestS3Bucket, target.location.bucket) || !ByteWise.equal(digest.digestS3Object, target.location.key) {
            return verdict(.moved, "has been moved from its original location s3://\(digest.digestS3Bucket)/\(digest.digestS3Object)")
        }

        // Signature source: the file's own metadata first, then the newer digest's link.
        let metadata = examination.metadata
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
        if digest.signatureAlgorithm == nil {
            return verdict(.unsupportedSignatureAlgorithm,
                           "digestSignatureAlgorithm is absent: the digest does not say it is signed with SHA256withRSA",
                           source: signature?.source)
        }
        if let problem = examination.algorithmProblem {
            return verdict(problem.reason, problem.message, source: signature?.source)
        }

        // Key: fingerprint, region, and validity window. A backfill digest is signed when it is
        // generated, long after its end time: its key is chosen by the generation time, as the AWS CLI does.
        var signedAt = digest.digestEndTime
        var tolerance: TimeInterval = 0
        if identity.isBackfill {
            guard let text = metadata.signature?.backfillGenerationTimestamp, let generated = CloudTrailTime.parse(text) else {
                return verdict(.invalidFormat,
                               "invalid format: a backfill digest needs its backfill-generation-timestamp metadata (xattr or sidecar)",
                               source: signature?.source)
            }
            signedAt = generated
            tolerance = 3600
        }
        let key: PublicKey
        switch keys.resolve(fingerprint: digest.publicKeyFingerprint, region: identity.region, at: signedAt, tolerance: tolerance) {
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
                           "public key \(digest.publicKeyFingerprint) is valid \(windows.joined(separator: "; ")), not at \(CloudTrailTime.display(signedAt))",
                           source: signature?.source)
        }

        // Signature.
        guard let signature else {
            let why = metadata.problem.map { "signature not available (\($0))" }
                ?? "signature not available: no S3 metadata (xattr or .metadata.json sidecar) and no newer digest links to it"
            return verdict(.signatureUnavailable, why)
        }
        // A signature is exactly as long as the modulus: OpenSSL and the AWS CLI's rsa module both accept
        // a shorter or zero-padded one, which is not what CloudTrail writes.
        // Checked ahead (``examine(_:limits:)``) with this very signature and key: it was hex of the modulus's
        // length, so only the result is needed.
        let checkedAhead = examination.preverified.flatMap { checked in
            ByteWise.equal(checked.hex, signature.hex) && checked.key == key ? checked.verified : nil
        }
        let verified: Bool
        if let checkedAhead {
            verified = checkedAhead
        } else {
            let decoded = Hex.decode(signature.hex)
            let modulusLength = (key.bitCount + 7) / 8
            if sourceIsTrusted {
                guard let decoded else {
                    return verdict(.malformedSignature, "the signature is not hex", source: signature.source)
                }
                guard decoded.count == modulusLength else {
                    return verdict(.malformedSignature,
                                   "the signature is \(decoded.count) bytes long; the key's modulus is \(modulusLength) bytes",
                                   source: signature.source)
                }
            }
            verified = decoded.map { $0.count == modulusLength && key.verifies(signature: $0, over: digest.stringToSign) } ?? false
        }
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
           let recorded = successor.previousHashValue, !ByteWise.equal(Hex.lowercased(recorded), digest.sha256) {
            var mismatch = verdict(.previousHashMismatch,
                                   "content differs from what \(successor.uri) recorded (previousDigestHashValue \(recorded), found \(digest.sha256))",
                                   source: signature.source)
            mismatch.signatureHex = signature.hex
            return mismatch
        }

        // What the signature does not prove: the signed content agrees with its name, place, labels and times.
        let problem = examination.contentProblem
        var result = verdict(problem?.reason, problem?.message, source: signature.source)
        result.signatureHex = signature.hex
        return result
    }

    static func read(_ path: String, limits: (size: Int, values: Int)? = nil) -> Result<DigestFile, DigestFile.FormatProblem> {
        parse(RegularFile.read(path, limit: DigestFile.maximumFileSize), limits: limits)
    }

    /// Reads an opened digest; see ``read(_:limits:)``.
    static func read(_ file: RegularFile.Opened, limits: (size: Int, values: Int)? = nil) -> Result<DigestFile, DigestFile.FormatProblem> {
        parse(file.readAll(limit: DigestFile.maximumFileSize), limits: limits)
    }

    private static func parse(_ read: Result<[UInt8], RegularFile.Problem>,
                              limits: (size: Int, values: Int)?) -> Result<DigestFile, DigestFile.FormatProblem> {
        switch read {
        case .failure(.tooLarge(let size)):
            return .failure(.init(message: "file is \(size) bytes, over the \(DigestFile.maximumFileSize)-byte limit"))
        case .failure(let problem):
            return .failure(.init(message: problem.message))
        case .success(let bytes):
            let result = Result { () throws(DigestFile.FormatProblem) in
                if let limits { return try DigestFile(compressed: bytes, sizeLimit: limits.size, valueLimit: limits.values) }
                return try DigestFile(compressed: bytes)
            }
            // A large parse tree is gone by now: give its pages back, so memory follows one document at a time.
            switch result {
            case .success(let digest): FreedMemory.release(after: digest.rawJSON.count)
            // A digest that fails to parse is rare, and may have built a large tree first (a bomb of small values).
            case .failure: FreedMemory.release(after: FreedMemory.threshold)
            }
            return result
        }
    }
}
