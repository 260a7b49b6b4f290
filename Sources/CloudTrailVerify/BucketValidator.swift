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

    /// How many log files may be in flight (being hashed or waiting to be reported) at once:
    /// enough to keep every core busy across digests that list one log each, small enough
    /// that memory stays bounded whatever the bucket's size.
    static let pipelineDepth = 64

    public init(options: ValidationOptions) {
        self.options = options
    }

    /// Runs the validation and collects every finding. A thrown error means it could not run.
    public func run() async throws(CloudTrailVerifyError) -> ValidationReport {
        var collector = ValidationReportCollector()
        let (inputs, summary) = try await run { collector.take($0) }
        return ValidationReport(inputs: inputs, chains: collector.chains, digests: collector.digests,
                                logFiles: collector.logFiles, gaps: collector.gaps, coverage: collector.coverage,
                                summary: summary)
    }

    /// Runs the validation, handing each finding to `sink` in report order as soon as it is known.
    ///
    /// Memory stays bounded by the number of digest files (kept as a list of names) and
    /// ``pipelineDepth``, not by the number of log files.
    public func run(
        _ sink: (ValidationEvent) -> Void
    ) async throws(CloudTrailVerifyError) -> (inputs: ValidationReport.Inputs, summary: ValidationReport.Summary) {
        let plan = try makePlan()
        var counter = SummaryCounter(strict: options.strict)
        let pool = LogFileVerifier.HasherPool()
        let roots = plan.roots
        let depth = max(Self.pipelineDepth, options.concurrency * 4)
        // For the coverage check: every log location any digest lists, and what each scope's chains span.
        var listed: Set<Int> = []
        var spans: [CoverageScanner.Scope: CoverageScanner.Span] = [:]

        for chain in plan.chains {
            let walkChain = DigestChain(identity: chain.identity, bucket: plan.bucket, files: chain.files,
                                        roots: roots, keys: plan.keys, window: options.window)
            var started = chain.report
            sink(.chainStarted(started))
            var walker = DigestChain.Walker(walkChain)
            var foundStart: Date?
            var foundEnd: Date?

            // Events get sequence numbers in report order; log hashes finish in any order and
            // wait in `ready` until everything before them has been handed to the sink.
            var ready: [Int: ValidationEvent] = [:]
            var nextSequence = 0
            var nextToEmit = 0
            var inFlight = 0
            func flush() {
                while let event = ready.removeValue(forKey: nextToEmit) {
                    counter.take(event)
                    sink(event)
                    nextToEmit += 1
                }
            }

            await withTaskGroup(of: (Int, ValidationEvent).self) { group in
                func enqueue(_ event: ValidationEvent) {
                    ready[nextSequence] = event
                    nextSequence += 1
                }
                func waitForOne() async {
                    if let (sequence, event) = await group.next() {
                        ready[sequence] = event
                        inFlight -= 1
                    }
                    flush()
                }
                while let step = walker.nextStep() {
                    enqueue(.digest(step.digest))
                    step.inferredMissing.forEach { enqueue(.digest($0)) }
                    if options.checkCoverage {
                        for location in step.listedLogs { listed.insert(CoverageScanner.fingerprint(location)) }
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
                        while inFlight >= depth { await waitForOne() }
                        let sequence = nextSequence
                        nextSequence += 1
                        inFlight += 1
                        let chainID = chain.identity.id
                        group.addTask {
                            let verdict = pool.withHasher { hasher in
                                LogFileVerifier.verify(location: check.entry.location,
                                                       expected: check.entry.expectedSHA256.lowercased(),
                                                       roots: roots, hasher: hasher)
                            }
                            return (sequence, .logFile(ValidationReport.LogFileEntry(
                                s3Uri: check.entry.location.uri, status: verdict.status, reason: verdict.reason,
                                note: verdict.note, message: verdict.message, chain: chainID, digest: check.digestURI,
                                oldestEventTime: check.entry.oldestEventTime, newestEventTime: check.entry.newestEventTime)))
                        }
                    }
                    step.unverifiedLogs.forEach { enqueue(.logFile($0)) }
                    if let gap = step.gap { enqueue(.gap(gap)) }
                    flush()
                }
                while inFlight > 0 { await waitForOne() }
            }
            flush()
            started.foundStart = foundStart.map(CloudTrailTime.display)
            started.foundEnd = foundEnd.map(CloudTrailTime.display)
            counter.take(.chainFinished(started))
            sink(.chainFinished(started))
        }

        if options.checkCoverage {
            let scanner = CoverageScanner(root: options.root, bucket: plan.bucket, window: options.window)
            for scope in spans.keys.sorted(by: { $0.folder < $1.folder }) {
                let coverage = scanner.scan(scope, span: spans[scope]!, listed: listed) { entry in
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

    /// Tallies the summary while events stream past.
    private struct SummaryCounter {
        let strict: Bool
        var digests = ValidationReport.Counts()
        var logFiles = ValidationReport.Counts()
        var gaps = 0
        var notes = 0
        var warnings = 0

        init(strict: Bool) { self.strict = strict }

        mutating func take(_ event: ValidationEvent) {
            switch event {
            case .digest(let entry): digests.add(entry.status)
            case .logFile(let entry):
                logFiles.add(entry.status)
                if entry.note != nil { notes += 1 }
                if entry.reason == .deliveredDuringGap { warnings += 1 }
            case .gap: gaps += 1
            case .chainStarted, .chainFinished, .coverage: break
            }
        }

        var summary: ValidationReport.Summary {
            // Logs delivered during a gap cannot be proven, as expected while validation was off:
            // a warning, unless the caller asked for strictness.
            let tolerated = strict ? 0 : warnings
            let allValid = digests.total == digests.valid && logFiles.total - tolerated == logFiles.valid
            return ValidationReport.Summary(digests: digests, logFiles: logFiles, gaps: gaps, notes: notes,
                                            warnings: warnings, result: allValid ? "valid" : "invalid",
                                            exitCode: allValid ? 0 : 1)
        }
    }
}
