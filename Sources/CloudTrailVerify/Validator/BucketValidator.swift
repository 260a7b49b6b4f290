import Foundation

/// Validates a local copy of a CloudTrail bucket: every digest chain under it,
/// every digest's signature and links, every listed log file's hash, and every
/// other object under it accounted for.
///
/// ```swift
/// let options = ValidationOptions(root: "bucket", publicKeys: [PublicKeySource(path: "keys")])
/// let report = try await BucketValidator(options: options).run()
/// print(report.summary.result)
/// ```
///
/// The work runs in named stages, one way: **plan** (inputs checked, keys loaded, the
/// inventory of every entry under every root, chains selected), **walk** and **hash** (each
/// chain newest to oldest, its logs hashed in order), **account** (every log
/// folder in scope listed once, every entry accounted for),
/// **checkpoint**, and the report, rendered from events at the edge.
///
/// For very large buckets, ``run(isolation:_:)`` streams the findings instead of collecting them.
public struct BucketValidator: Sendable {
    /// What to validate and how; read when ``run()`` or ``run(isolation:_:)`` starts.
    public var options: ValidationOptions

    /// Makes a validator; nothing is read until ``run()`` or ``run(isolation:_:)``.
    public init(options: ValidationOptions) {
        self.options = options
    }

    /// Runs the validation and collects every finding. A thrown error means it could not run.
    public func run() async throws(CloudTrailVerifyError) -> ValidationReport {
        var collector = ValidationReportCollector()
        let (inputs, summary) = try await run { collector.take($0) }
        var report = ValidationReport(inputs: inputs, chains: collector.chains, digests: collector.digests,
                                      logFiles: collector.logFiles, gaps: collector.gaps, coverage: collector.coverage,
                                      notices: collector.notices, summary: summary)
        report.objects = collector.objects
        return report
    }

    /// Runs the validation, handing each finding to `sink` in report order as soon as it is known.
    ///
    /// Memory does not grow with the bucket: one chain's digest files are listed at a time,
    /// at most ``ValidationOptions/concurrency`` log files are read at once, and the log
    /// locations the digests list go to a scratch file in `TMPDIR` beyond a fixed budget. What remains grows with the longest single chain.
    ///
    /// It runs on the caller's actor (`isolation`, which defaults to the caller's own), so `sink` needs not be
    /// `Sendable`: it may update the caller's local state, as a writer does. Only the hashing runs in child tasks.
    /// Called from the main actor, the walk runs there too; to keep the main actor free, call it from a
    /// nonisolated function, or use ``run()``, which always runs off the caller's actor.
    ///
    /// - Parameters:
    ///   - isolation: the actor the walk and `sink` run on; leave it to its default.
    ///   - sink: receives every ``ValidationEvent`` in report order, one at a time.
    /// - Returns: what the run was given, and the counts and verdict (``ValidationReport/Summary/result``).
    public func run(
        isolation: isolated (any Actor)? = #isolation,
        _ sink: (ValidationEvent) -> Void
    ) async throws(CloudTrailVerifyError) -> (inputs: ValidationReport.Inputs, summary: ValidationReport.Summary) {
        let plan = try makePlan()
        var counter = SummaryCounter(strict: options.strict)
        func emit(_ event: ValidationEvent) {
            counter.take(event)
            sink(event)
        }
        for notice in plan.notices { sink(.notice(notice)) }
        counter.trailsWithoutDigests = plan.trailsWithoutDigests

        // Walk and hash: chain by chain.
        let shared = ChainRun.Shared(options: options, plan: plan)
        var outcomes: [ChainRun.Outcome] = []
        for chain in plan.chains {
            let outcome = try await ChainRun(chain: chain, shared: shared).run(emit)
            outcomes.append(outcome)
        }
        shared.reportProgress(force: true)
        if let problem = shared.listed.spillProblem {
            sink(.notice("the listed logs could not be moved to a scratch file (\(problem)): kept in memory instead, so memory grew with the bucket"))
        }

        // Account: every object under every root.
        var scopesWithFindings = Set<FolderScope>()
        counter.notChecked = plan.notChecked
        if options.checkCoverage {
            (scopesWithFindings, counter.notChecked) = try account(plan: plan, outcomes: outcomes, listed: shared.listed, emit: emit)
        } else {
            for finding in plan.inventory.findings where plan.isInScope(finding.scope) && Shard.owns(options.shard, finding.scope) {
                emit(.object(plan.entry(for: finding)))
                if let scope = finding.scope { scopesWithFindings.insert(scope) }
            }
        }
        if options.shard?.ownsRunWide ?? true {
            counter.otherObjects = plan.inventory.otherObjects + plan.otherRoots.reduce(0) { $0 + $1.inventory.otherObjects }
        }

        // Checkpoint: only chains whose every finding, coverage included, came out clean.
        if let path = options.checkpointFile {
            try writeCheckpoint(path, plan: plan, outcomes: outcomes, scopesWithFindings: scopesWithFindings, sink: sink)
        }
        var inputs = plan.inputs
        if inputs.shard != nil {
            inputs.shard?.listedInOtherShards = shared.listedInOtherShards.map(\.uri).sorted(by: ByteWise.less)
                .reduce(into: []) { unique, uri in if unique.last.map({ !ByteWise.equal($0, uri) }) ?? true { unique.append(uri) } }
        }
        return (inputs, counter.summary)
    }

    /// Where `file` sits in `admitted` (same order as the chain's files), if the window admitted it.
    static func admittedPosition(of file: BucketInventory.DigestOnDisk, in admitted: [BucketInventory.DigestOnDisk]) -> Int? {
        let low = admitted.partitioningIndex { !BucketInventory.DigestOnDisk.precedes($0, file) }
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
                s3URI: S3Location(bucket: bucket, key: newestKey.replacingTimestamp(with: end)).uri,
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
            s3URI: entry.digestS3Uri, status: .missing, reason: .notFound,
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
}
