import Foundation

/// The walk and hash stages for one chain: walks it newest to oldest (``DigestChain/Walker``),
/// hashes the logs its valid digests list (at most `--jobs` at once, up to a look-ahead behind the
/// walk), and hands every event to the sink in report order.
///
/// Log hashes finish in any order; events carry sequence numbers and wait until everything
/// before them has been handed on. Gaps are explained at the end of the chain, from the logs this
/// run proved (``GapEvidence``), and reported after the chain's files.
struct ChainRun {
    /// What every chain of a run shares: the plan, the hashers, the listed-log index, progress.
    final class Shared {
        let options: ValidationOptions
        let plan: BucketValidator.Plan
        let pool = LogFileVerifier.HasherPool()
        let readAhead: ReadAhead?
        /// Every log location any digest lists: for the accounting stage, and to report a log once only.
        let listed: ListedLogIndex
        private let began = Date()
        private var lastReport = Date.distantPast
        var progress: ValidationProgress
        /// With `--shard`: logs this shard's digests list in log folders another shard accounts for
        /// (only a digest in the wrong place does that), so that the merge knows they were listed.
        var listedInOtherShards: [S3Location] = []

        /// Records a log a digest of `scope`'s chain lists.
        func insertListed(_ location: S3Location, scopeFolder: [UInt8]) {
            listed.insert(location)
            guard let shard = options.shard, shard.count > 1 else { return }
            // A digest lists its own folder's logs; only others need placing.
            if location.key.utf8.starts(with: scopeFolder) { return }
            if let scope = CloudTrailPath(ObjectKey(bytes: Array(location.key.utf8))).scope, !shard.owns(scope) {
                listedInOtherShards.append(location)
            }
        }

        init(options: ValidationOptions, plan: BucketValidator.Plan) {
            self.options = options
            self.plan = plan
            readAhead = options.readAhead ? ReadAhead() : nil
            listed = ListedLogIndex(budget: options.listedLogBudget)
            progress = ValidationProgress(
                digestsDone: 0, digestsTotal: plan.chains.reduce(0) { $0 + $1.summary.admittedCount },
                logFilesDone: 0, bytesRead: 0, bytesHashed: 0, elapsed: 0)
        }

        func reportProgress(force: Bool = false) {
            guard let callback = options.progress else { return }
            let now = Date()
            guard force || now.timeIntervalSince(lastReport) >= 0.2 else { return }
            lastReport = now
            progress.elapsed = now.timeIntervalSince(began)
            callback(progress)
        }
    }

    /// What the later stages need to know of a chain once it is done.
    struct Outcome {
        var identity: ChainIdentity
        /// The newest valid digest, for the checkpoint.
        var newestValid: ValidationReport.DigestEntry?
        /// Any digest, log or gap of the chain that is not clean: its checkpoint must not move.
        var hasFindings = false
        /// What the chain's digests cover, for the accounting stage.
        var span = LogFolderAccountant.Span()
    }

    let chain: BucketValidator.Plan.Chain
    let shared: Shared

    /// Walks the chain and hashes its logs, on the caller's actor (`isolation`): `sink` is the caller's and may
    /// touch its state; only the hashing runs in child tasks.
    func run(isolation: isolated (any Actor)? = #isolation,
             _ sink: (ValidationEvent) -> Void) async throws(CloudTrailVerifyError) -> Outcome {
        let options = shared.options
        let plan = shared.plan
        let roots = plan.roots
        let pool = shared.pool
        let readAhead = shared.readAhead
        let listed = shared.listed
        var outcome = Outcome(identity: chain.identity)
        let scopeFolder = Array((FolderScope(chain.identity).logFolder + "/").utf8)
        outcome.span.chains = 1
        // At most `concurrency` log files are hashed at once (`--jobs`); each finishes before another starts.
        let depth = options.concurrency
        // The walk runs up to this many log files ahead of the hashing, so the read-ahead can ask for them early.
        let lookahead = max(128, depth * 32)
        // Listed now, and let go when the chain is done: memory follows the longest chain, not the bucket.
        let files = try plan.inventory.files(of: chain.identity)
        let admitted = files.filter { options.window.admits(keyTimestamp: $0.timestampCode) }
        var walkChain = DigestChain(identity: chain.identity, bucket: plan.bucket, files: files,
                                    admitted: admitted, roots: roots, keys: plan.keys, window: options.window)
        // At most 8: each reader may hold a digest of up to DigestChain.claimReadLimits, whatever --jobs asks.
        walkChain.claimReaders = min(depth, 8)
        // The digests are examined ahead of the walk (read, parsed, signature checked), so that the walk only
        // decides and keeps the hashing fed. Stopped when the chain is done.
        let prefetch = DigestPrefetch(chain: walkChain, threads: min(depth, 2))
        walkChain.prefetch = prefetch
        defer { prefetch.stop() }
        let checkpointLocation = chain.checkpoint.flatMap { BucketValidator.location(ofURI: $0.digestS3Uri) }
        if let entry = chain.checkpoint, let location = checkpointLocation {
            walkChain.checkpoint = (location, entry.digestSHA256)
            walkChain.incremental = options.incremental
        }
        var started = chain.report
        sink(.chainStarted(started))
        var walker = DigestChain.Walker(walkChain)
        // The walk reads digests newest first, mostly in file order: ask for the next ones (and their
        // sidecars) before it gets there. Below this index in `admitted`, everything was hinted.
        var digestsHinted = admitted.count
        func hintDigests(below index: Int) {
            guard let readAhead else { return }
            // Digests the walk has passed (it can jump back along a link) need no hint any more.
            digestsHinted = min(digestsHinted, index)
            let low = max(0, index - 16)
            while digestsHinted > low {
                digestsHinted -= 1
                let file = admitted[digestsHinted]
                guard !file.isSymbolicLink else { continue }
                let path = plan.inventory.path(of: file)
                readAhead.hint(path)
                readAhead.hint(path + ".metadata.json")
            }
        }
        hintDigests(below: admitted.count)
        var foundStart: Date?
        var foundEnd: Date?
        // Gaps wait for the end of the chain: they are explained only from logs this run proved.
        var gaps: [ValidationReport.Gap] = []
        var evidence = GapEvidence(chain: walkChain, roots: roots, bucket: plan.bucket, root: options.root)

        var ready: [Int: ValidationEvent] = [:]
        var nextSequence = 0
        var nextToEmit = 0
        var inFlight = 0
        // Log files the walk has reached and hashing has not: taken in order by the hashing tasks.
        let queue = HashQueue()
        var failure: CloudTrailVerifyError?
        func flush() {
            while let event = ready.removeValue(forKey: nextToEmit) {
                switch event {
                case .digest(let entry) where entry.status != .valid: outcome.hasFindings = true
                case .logFile(let entry) where entry.status != .valid: outcome.hasFindings = true
                default: break
                }
                sink(event)
                nextToEmit += 1
            }
        }

        await withTaskGroup(of: [(Int, ValidationEvent, Int, Int)].self) { group in
            func enqueue(_ event: ValidationEvent) {
                ready[nextSequence] = event
                nextSequence += 1
            }
            func waitForOne() async {
                if let results = await group.next() {
                    inFlight -= 1
                    for (sequence, event, read, hashed) in results {
                        ready[sequence] = event
                        shared.progress.logFilesDone += 1
                        shared.progress.bytesRead += read
                        shared.progress.bytesHashed += hashed
                    }
                    shared.reportProgress()
                }
                flush()
            }
            func startQueued() {
                // A task hashes files from the queue until it is empty (or a batch is done); at most `depth` run.
                var waiting = queue.count
                while inFlight < depth, waiting > 0 {
                    inFlight += 1
                    waiting -= HashQueue.batchLimit
                    let chainID = chain.identity.id
                    group.addTask {
                        pool.withHasher { hasher in
                            var results: [(Int, ValidationEvent, Int, Int)] = []
                            while results.count < HashQueue.batchLimit, let (sequence, check) = queue.take() {
                                let verdict = LogFileVerifier.verify(location: check.entry.location,
                                                                     expected: Hex.lowercased(check.entry.expectedSHA256),
                                                                     roots: roots, hasher: hasher)
                                results.append((sequence, .logFile(ValidationReport.LogFileEntry(
                                    s3URI: check.entry.location.uri, status: verdict.status, reason: verdict.reason,
                                    note: verdict.note, message: verdict.message, chain: chainID, digest: check.digestURI,
                                    oldestEventTime: check.entry.oldestEventTime, newestEventTime: check.entry.newestEventTime)),
                                                hasher.lastBytesRead, hasher.lastBytesHashed))
                            }
                            return results
                        }
                    }
                }
            }
            // Digests CloudTrail says it delivered after the newest one on disk: the tail was cut.
            for entry in BucketValidator.truncatedTail(chain, bucket: plan.bucket) {
                enqueue(.digest(entry))
            }
            while var step = walker.nextStep() {
                if readAhead != nil, let location = BucketValidator.location(ofURI: step.digest.s3URI),
                   let index = walkChain.fileIndex(of: location),
                   let position = BucketValidator.admittedPosition(of: walkChain.files[index], in: admitted) {
                    hintDigests(below: position)
                }
                if step.digest.status == .valid, step.digest.inferred != true, outcome.newestValid == nil {
                    outcome.newestValid = step.digest
                }
                if step.isCheckpointStop {
                    started.incrementalFrom = step.digest.s3URI
                }
                evidence.record(step.digest)
                enqueue(.digest(step.digest))
                shared.progress.digestsDone += 1
                shared.reportProgress()
                step.inferredMissing.forEach { enqueue(.digest($0)) }
                // Every log any digest lists: for the accounting stage, and to report a log once only.
                if !step.isOffChain {
                    for location in step.listedLogs { shared.insertListed(location, scopeFolder: scopeFolder) }
                }
                Self.cover(&outcome.span, with: step)
                if let found = step.found {
                    foundStart = min(foundStart ?? found.start, found.start)
                    foundEnd = max(foundEnd ?? found.end, found.end)
                }
                for check in step.logChecks {
                    queue.append((nextSequence, check))
                    nextSequence += 1
                    let location = check.entry.location
                    readAhead?.hint {
                        guard case .success(let path) = roots.path(for: location) else { return nil }
                        return path
                    }
                }
                startQueued()
                while queue.count > lookahead {
                    await waitForOne()
                    startQueued()
                }
                if step.isOffChain {
                    // A log the chain already judged is reported once, from the chain.
                    do throws(CloudTrailVerifyError) {
                        var kept: [ValidationReport.LogFileEntry] = []
                        for entry in step.unverifiedLogs {
                            if let location = BucketValidator.location(ofURI: entry.s3URI), try listed.contains(location) { continue }
                            kept.append(entry)
                        }
                        step.unverifiedLogs = kept
                    } catch {
                        failure = error
                        break
                    }
                    for location in step.listedLogs { shared.insertListed(location, scopeFolder: scopeFolder) }
                }
                step.unverifiedLogs.forEach { enqueue(.logFile($0)) }
                if let gap = step.gap { gaps.append(gap) }
                flush()
            }
            startQueued()
            while inFlight > 0 || queue.count > 0 {
                await waitForOne()
                startQueued()
            }
            // The checkpointed digest, if the walk never came to it, must still be there as recorded.
            if let entry = chain.checkpoint, let location = checkpointLocation, !walker.visited(location) {
                if let finding = BucketValidator.checkCheckpoint(entry, location: location, roots: roots,
                                                                 chainID: chain.identity.id) {
                    enqueue(.digest(finding))
                }
            }
        }
        if let failure { throw failure }
        flush()
        // Now that every digest of the chain was judged, explain its gaps from what this run proved.
        for var gap in gaps {
            if options.explainGaps {
                gap = evidence.explain(gap, scope: FolderScope(chain.identity), trailName: chain.identity.trailName,
                                       hasher: pool)
            }
            if gap.explained == false { outcome.hasFindings = true }
            sink(.gap(gap))
        }
        // A long chain's walk freed much on many threads (the prefetch's, the hashing's): give it back before the next.
        if admitted.count >= 1000 { FreedMemory.release(after: FreedMemory.threshold) }
        started.foundStart = foundStart.map(CloudTrailTime.display)
        started.foundEnd = foundEnd.map(CloudTrailTime.display)
        sink(.chainFinished(started))
        return outcome
    }

    /// Adds what one step of the walk tells about the folder's coverage: the span a readable digest
    /// covers, a gap, and the span of a digest that exists but could not be read.
    static func cover(_ span: inout LogFolderAccountant.Span, with step: DigestChain.Step) {
        let digest = step.digest
        if let start = digest.digestStartTime.flatMap(CloudTrailTime.parse),
           let end = digest.digestEndTime.flatMap(CloudTrailTime.parse) {
            span.cover(start: start, end: end)
        } else if digest.inferred != true, digest.status == .invalid, digest.logFileCount == nil,
                  let location = BucketValidator.location(ofURI: digest.s3URI), let key = DigestObjectKey(location.key) {
            // Present but unreadable (or not opened): its hour is covered by a digest whose list is unknown.
            span.unreadableDigests.append((key.timestamp.addingTimeInterval(-3900), key.timestamp, digest.s3URI))
        }
        if let gap = step.gap, let start = CloudTrailTime.parse(gap.start), let end = CloudTrailTime.parse(gap.end) {
            span.gaps.append((start, end))
        }
    }
}
