import Foundation

/// Validates a local copy of a CloudTrail bucket: every digest chain under it,
/// every digest's signature and links, every listed log file's hash.
///
/// ```swift
/// let options = ValidationOptions(root: "bucket", publicKeys: [PublicKeySource(path: "keys")])
/// let report = try await BucketValidator(options: options).run()
/// print(report.summary.result)
/// ```
///
/// For very large buckets, ``run(_:)`` streams the findings instead of collecting them.
public struct BucketValidator: Sendable {
    public var options: ValidationOptions


    public init(options: ValidationOptions) {
        self.options = options
    }

    /// Runs the validation and collects every finding. A thrown error means it could not run.
    public func run() async throws(CloudTrailVerifyError) -> ValidationReport {
        var collector = ValidationReportCollector()
        let (inputs, summary) = try await run { collector.take($0) }
        return ValidationReport(inputs: inputs, chains: collector.chains, digests: collector.digests,
                                logFiles: collector.logFiles, gaps: collector.gaps, coverage: collector.coverage,
                                notices: collector.notices, summary: summary)
    }

    /// Runs the validation, handing each finding to `sink` in report order as soon as it is known.
    ///
    /// Memory does not grow with the bucket: one chain's digest files are listed at a time,
    /// at most ``ValidationOptions/concurrency`` log files are read at once, and the log
    /// locations the digests list go to a scratch file in `TMPDIR` beyond a fixed budget
    /// (``ListedLogIndex``). What remains grows with the longest single chain.
    public func run(
        _ sink: (ValidationEvent) -> Void
    ) async throws(CloudTrailVerifyError) -> (inputs: ValidationReport.Inputs, summary: ValidationReport.Summary) {
        let plan = try makePlan()
        var counter = SummaryCounter(strict: options.strict)
        let pool = LogFileVerifier.HasherPool()
        let roots = plan.roots
        // At most `concurrency` log files are hashed at once (`--jobs`); each finishes before another starts.
        let depth = options.concurrency
        // The walk runs up to this many log files ahead of the hashing, so the read-ahead can ask for them early.
        let lookahead = max(128, depth * 32)
        let readAhead = options.readAhead ? ReadAhead() : nil
        // For the coverage check: every log location any digest lists, and what each scope's chains span.
        let listed = ListedLogIndex(budget: options.listedLogBudget)
        var spans: [CoverageScanner.Scope: CoverageScanner.Span] = [:]
        var newestValid: [String: ValidationReport.DigestEntry] = [:]
        // A checkpoint marks a point up to which everything was proven: chains with a failure get none.
        var failedChains: Set<String> = []
        // A scratch-file failure while the walk runs: raised once the tasks in flight have finished.
        var failure: CloudTrailVerifyError?
        for notice in plan.notices { sink(.notice(notice)) }
        counter.trailsWithoutDigests = plan.trailsWithoutDigests
        let began = Date()
        var lastReport = Date.distantPast
        var progress = ValidationProgress(
            digestsDone: 0,
            digestsTotal: plan.chains.reduce(0) { $0 + $1.summary.admittedCount },
            logFilesDone: 0, bytesRead: 0, bytesHashed: 0, elapsed: 0)
        func reportProgress(force: Bool = false) {
            guard let callback = options.progress else { return }
            let now = Date()
            guard force || now.timeIntervalSince(lastReport) >= 0.2 else { return }
            lastReport = now
            progress.elapsed = now.timeIntervalSince(began)
            callback(progress)
        }

        for chain in plan.chains {
            // Listed now, and let go when the chain is done: memory follows the longest chain, not the bucket.
            let files = try plan.inventory.files(of: chain.identity)
            let admitted = files.filter { options.window.admits(keyTimestamp: $0.timestampCode) }
            var walkChain = DigestChain(identity: chain.identity, bucket: plan.bucket, files: files,
                                        admitted: admitted, roots: roots, keys: plan.keys, window: options.window)
            let checkpointLocation = chain.checkpoint.flatMap { Self.location(ofURI: $0.digestS3Uri) }
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

            // Events get sequence numbers in report order; log hashes finish in any order and
            // wait in `ready` until everything before them has been handed to the sink.
            var ready: [Int: ValidationEvent] = [:]
            var nextSequence = 0
            var nextToEmit = 0
            var inFlight = 0
            // Log files the walk has reached and hashing has not: started in order as tasks finish.
            var queued: [(sequence: Int, check: DigestChain.LogCheck)] = []
            var queuedHead = 0
            func flush() {
                while let event = ready.removeValue(forKey: nextToEmit) {
                    switch event {
                    case .digest(let entry) where entry.status != .valid: failedChains.insert(chain.identity.id)
                    case .logFile(let entry) where entry.status != .valid: failedChains.insert(chain.identity.id)
                    default: break
                    }
                    counter.take(event)
                    sink(event)
                    nextToEmit += 1
                }
            }

            await withTaskGroup(of: (Int, ValidationEvent, Int, Int).self) { group in
                func enqueue(_ event: ValidationEvent) {
                    ready[nextSequence] = event
                    nextSequence += 1
                }
                func waitForOne() async {
                    if let (sequence, event, read, hashed) = await group.next() {
                        ready[sequence] = event
                        inFlight -= 1
                        progress.logFilesDone += 1
                        progress.bytesRead += read
                        progress.bytesHashed += hashed
                        reportProgress()
                    }
                    flush()
                }
                func startQueued() {
                    while inFlight < depth, queuedHead < queued.count {
                        let (sequence, check) = queued[queuedHead]
                        queuedHead += 1
                        inFlight += 1
                        let chainID = chain.identity.id
                        group.addTask {
                            let (verdict, read, hashed) = pool.withHasher { hasher in
                                (LogFileVerifier.verify(location: check.entry.location,
                                                        expected: check.entry.expectedSHA256.lowercased(),
                                                        roots: roots, hasher: hasher),
                                 hasher.lastBytesRead, hasher.lastBytesHashed)
                            }
                            return (sequence, .logFile(ValidationReport.LogFileEntry(
                                s3Uri: check.entry.location.uri, status: verdict.status, reason: verdict.reason,
                                note: verdict.note, message: verdict.message, chain: chainID, digest: check.digestURI,
                                oldestEventTime: check.entry.oldestEventTime, newestEventTime: check.entry.newestEventTime)),
                                    read, hashed)
                        }
                    }
                    if queuedHead >= 1024, queuedHead * 2 >= queued.count {
                        queued.removeFirst(queuedHead)
                        queuedHead = 0
                    }
                }
                // Digests CloudTrail says it delivered after the newest one on disk: the tail was cut.
                for entry in Self.truncatedTail(chain, bucket: plan.bucket) {
                    enqueue(.digest(entry))
                }
                while var step = walker.nextStep() {
                    if readAhead != nil, let location = Self.location(ofURI: step.digest.s3Uri),
                       let index = walkChain.fileIndex(of: location),
                       let position = Self.admittedPosition(of: walkChain.files[index], in: admitted) {
                        hintDigests(below: position)
                    }
                    if step.digest.status == .valid, step.digest.inferred != true, newestValid[chain.identity.id] == nil {
                        newestValid[chain.identity.id] = step.digest
                    }
                    if step.isCheckpointStop {
                        started.incrementalFrom = step.digest.s3Uri
                    }
                    if options.explainGaps, let gap = step.gap {
                        step.gap = Self.explain(gap, scope: CoverageScanner.Scope(chain.identity), root: options.root,
                                                bucket: plan.bucket, trailName: chain.identity.trailName)
                    }
                    enqueue(.digest(step.digest))
                    progress.digestsDone += 1
                    reportProgress()
                    step.inferredMissing.forEach { enqueue(.digest($0)) }
                    // Every log any digest lists: for the coverage check, and to report a log once only.
                    if !step.isOffChain {
                        for location in step.listedLogs { listed.insert(location) }
                    }
                    if options.checkCoverage {
                        let scope = CoverageScanner.Scope(chain.identity)
                        if let start = step.digest.digestStartTime.flatMap(CloudTrailTime.parse),
                           let end = step.digest.digestEndTime.flatMap(CloudTrailTime.parse) {
                            spans[scope, default: .init()].cover(start: start, end: end)
                        }
                        if let gap = step.gap, let start = CloudTrailTime.parse(gap.start), let end = CloudTrailTime.parse(gap.end) {
                            spans[scope, default: .init()].gaps.append((start, end))
                        }
                    }
                    if let found = step.found {
                        foundStart = min(foundStart ?? found.start, found.start)
                        foundEnd = max(foundEnd ?? found.end, found.end)
                    }
                    for check in step.logChecks {
                        queued.append((nextSequence, check))
                        nextSequence += 1
                        let location = check.entry.location
                        readAhead?.hint {
                            guard case .success(let path) = roots.path(for: location) else { return nil }
                            return path
                        }
                    }
                    startQueued()
                    while queued.count - queuedHead > lookahead {
                        await waitForOne()
                        startQueued()
                    }
                    if step.isOffChain {
                        // A log the chain already judged is reported once, from the chain.
                        do throws(CloudTrailVerifyError) {
                            var kept: [ValidationReport.LogFileEntry] = []
                            for entry in step.unverifiedLogs {
                                if let location = Self.location(ofURI: entry.s3Uri), try listed.contains(location) { continue }
                                kept.append(entry)
                            }
                            step.unverifiedLogs = kept
                        } catch {
                            failure = error
                            break
                        }
                        for location in step.listedLogs { listed.insert(location) }
                    }
                    step.unverifiedLogs.forEach { enqueue(.logFile($0)) }
                    if let gap = step.gap { enqueue(.gap(gap)) }
                    flush()
                }
                startQueued()
                while inFlight > 0 {
                    await waitForOne()
                    startQueued()
                }
                // The checkpointed digest, if the walk never came to it, must still be there as recorded.
                if let entry = chain.checkpoint, let location = checkpointLocation, !walker.visited(location) {
                    if let finding = Self.checkCheckpoint(entry, location: location, roots: roots, chainID: chain.identity.id) {
                        enqueue(.digest(finding))
                    }
                }
            }
            if let failure { throw failure }
            flush()
            started.foundStart = foundStart.map(CloudTrailTime.display)
            started.foundEnd = foundEnd.map(CloudTrailTime.display)
            counter.take(.chainFinished(started))
            sink(.chainFinished(started))
        }

        reportProgress(force: true)
        if let path = options.checkpointFile {
            var checkpoint = plan.checkpoint ?? ValidationCheckpoint()
            let now = CloudTrailTime.display(Date())
            var skipped: [String] = []
            for (chainID, entry) in newestValid.sorted(by: { $0.key < $1.key }) {
                guard !failedChains.contains(chainID) else { skipped.append(chainID); continue }
                guard let sha256 = entry.sha256, let end = entry.digestEndTime else { continue }
                // Never move a checkpoint backwards: an incremental run's newest digest is at least as new.
                if let old = checkpoint.chains[chainID], old.digestEndTime > end { continue }
                checkpoint.chains[chainID] = ValidationCheckpoint.Entry(
                    digestS3Uri: entry.s3Uri, digestEndTime: end, digestSHA256: sha256, signatureSHA256: nil, recordedAt: now)
            }
            try checkpoint.write(to: path)
            sink(.notice("checkpoint written to \(path): the newest valid digest of \(newestValid.count - skipped.count) chain(s)"))
            if !skipped.isEmpty {
                sink(.notice("checkpoint not moved for \(skipped.joined(separator: ", ")): the chain has findings, and an --incremental run must not start past them"))
            }
        }

        if let problem = listed.spillProblem {
            sink(.notice("the listed logs could not be moved to a scratch file (\(problem)): kept in memory instead, so memory grew with the bucket"))
        }
        if options.checkCoverage {
            let scanner = CoverageScanner(root: options.root, bucket: plan.bucket, window: options.window)
            for scope in spans.keys.sorted(by: { $0.folder < $1.folder }) {
                let coverage = try scanner.scan(scope, span: spans[scope]!, listed: listed) { entry in
                    counter.take(.logFile(entry))
                    sink(.logFile(entry))
                }
                if let coverage {
                    counter.take(.coverage(coverage))
                    sink(.coverage(coverage))
                }
            }
        }

        return (plan.inputs, counter.summary)
    }

    /// Where `file` sits in `admitted` (same order as the chain's files), if the window admitted it.
    static func admittedPosition(of file: BucketInventory.DigestOnDisk, in admitted: [BucketInventory.DigestOnDisk]) -> Int? {
        var low = 0
        var high = admitted.count
        while low < high {
            let middle = (low + high) / 2
            if BucketInventory.DigestOnDisk.precedes(admitted[middle], file) { low = middle + 1 } else { high = middle }
        }
        return low < admitted.count && admitted[low] == file ? low : nil
    }

    static func location(ofURI uri: String) -> S3Location? {
        guard uri.hasPrefix("s3://") else { return nil }
        let rest = uri.dropFirst(5)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        return S3Location(bucket: String(rest[..<slash]), key: String(rest[rest.index(after: slash)...]))
    }

    /// Inferred digests between the newest on disk and what CloudTrail says it delivered.
    static func truncatedTail(_ chain: Plan.Chain, bucket: String) -> [ValidationReport.DigestEntry] {
        guard let expected = chain.expectedThrough,
              let newest = chain.summary.newestAdmitted,
              let newestKey = DigestObjectKey(newest.key) else { return [] }
        let hours = Int((expected.timeIntervalSince(newestKey.timestamp) / 3600).rounded(.down))
        guard hours >= 1 else { return [] }
        let source = chain.report.expectedThrough ?? CloudTrailTime.display(expected)
        return (1...min(hours, DigestChain.maximumInferredRun)).reversed().map { step in
            let end = newestKey.timestamp.addingTimeInterval(3600 * Double(step))
            return ValidationReport.DigestEntry(
                s3Uri: S3Location(bucket: bucket, key: newestKey.replacingTimestamp(with: end)).uri,
                status: .missing, reason: .notFound,
                message: "not found: CloudTrail delivered digests through \(source), but the newest on disk ends \(CloudTrailTime.display(newestKey.timestamp)); a digest ending about \(CloudTrailTime.display(end)) is missing (the chain's tail was cut)",
                chain: chain.identity.id, digestStartTime: nil, digestEndTime: CloudTrailTime.display(end),
                publicKeyFingerprint: nil, signatureSource: nil, logFileCount: nil, inferred: true)
        }
    }

    /// A checkpointed digest the walk did not reach: still there, and still the same bytes?
    static func checkCheckpoint(_ entry: ValidationCheckpoint.Entry, location: S3Location, roots: BucketRoots,
                                chainID: String) -> ValidationReport.DigestEntry? {
        var finding = ValidationReport.DigestEntry(
            s3Uri: entry.digestS3Uri, status: .missing, reason: .notFound,
            message: "not found: the checkpoint recorded it on \(entry.recordedAt), and it is gone",
            chain: chainID, digestStartTime: nil, digestEndTime: entry.digestEndTime,
            publicKeyFingerprint: nil, signatureSource: nil, logFileCount: nil)
        guard case .success(let path) = roots.path(for: location), RegularFile.isRegular(path) else { return finding }
        switch DigestChain.read(path) {
        case .failure(let problem):
            finding.status = .invalid
            finding.reason = .checkpointMismatch
            finding.message = "differs from the digest the checkpoint recorded: \(problem.message)"
            return finding
        case .success(let digest):
            guard digest.sha256 != entry.digestSHA256 else { return nil }
            finding.status = .invalid
            finding.reason = .checkpointMismatch
            finding.sha256 = digest.sha256
            finding.message = "differs from the digest the checkpoint recorded (SHA-256 \(entry.digestSHA256), found \(digest.sha256))"
            return finding
        }
    }

    /// Looks in the logs delivered around a gap for the events that explain it.
    static func explain(_ gap: ValidationReport.Gap, scope: CoverageScanner.Scope, root: String, bucket: String,
                        trailName: String) -> ValidationReport.Gap {
        guard let start = CloudTrailTime.parse(gap.start), let end = CloudTrailTime.parse(gap.end) else { return gap }
        let from = start.addingTimeInterval(-GapExplainer.margin)
        let to = max(start, end).addingTimeInterval(GapExplainer.margin)
        let paths = CoverageScanner.logFiles(root: root, scope: scope, from: from, to: to)
        var explained = gap
        explained.explanations = GapExplainer.explain(logFiles: paths, gapStart: start, gapEnd: end, trailName: trailName).map {
            var explanation = $0
            if explanation.logFile.utf8.starts(with: (root + "/").utf8) {
                explanation.logFile = S3Location(bucket: bucket, key: String(explanation.logFile.dropFirst(root.count + 1))).uri
            }
            return explanation
        }
        explained.explained = !(explained.explanations ?? []).isEmpty
        return explained
    }

    /// Tallies the summary while events stream past.
    private struct SummaryCounter {
        let strict: Bool
        var digests = ValidationReport.Counts()
        var logFiles = ValidationReport.Counts()
        var gaps = 0
        var notes = 0
        var warnings = 0
        /// Logs delivered during a gap: not valid, but not a failure unless strict.
        var logsDuringGaps = 0
        var unexplainedGaps = 0
        var trailsWithoutDigests = 0

        init(strict: Bool) { self.strict = strict }

        mutating func take(_ event: ValidationEvent) {
            switch event {
            case .digest(let entry): digests.add(entry.status)
            case .logFile(let entry):
                logFiles.add(entry.status)
                if entry.note != nil { notes += 1 }
                if entry.reason == .deliveredDuringGap { warnings += 1; logsDuringGaps += 1 }
            case .gap(let gap):
                gaps += 1
                if gap.explained == false { warnings += 1; unexplainedGaps += 1 }
            case .chainStarted, .chainFinished, .coverage, .notice: break
            }
        }

        var summary: ValidationReport.Summary {
            // Logs delivered during a gap cannot be proven, as expected while validation was off:
            // a warning, unless the caller asked for strictness.
            let allValid = digests.total == digests.valid && trailsWithoutDigests == 0
                && logFiles.total - (strict ? 0 : logsDuringGaps) == logFiles.valid
                && (!strict || unexplainedGaps == 0)
            var summary = ValidationReport.Summary(digests: digests, logFiles: logFiles, gaps: gaps, notes: notes,
                                                   warnings: warnings, result: allValid ? "valid" : "invalid",
                                                   exitCode: allValid ? 0 : 1)
            summary.trailsWithoutDigests = trailsWithoutDigests
            return summary
        }
    }
}
