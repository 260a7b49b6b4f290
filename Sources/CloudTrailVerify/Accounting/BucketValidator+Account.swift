import Foundation

extension BucketValidator {
    /// The accounting stage: reports every object the inventory could not place, then accounts for every
    /// log folder in scope under every root, entry by entry. Returns the account and region folders
    /// that had a finding of any kind (so that their chains' checkpoints do not move), and the folders
    /// not checked.
    func account(plan: Plan, outcomes: [ChainRun.Outcome], listed: ListedLogIndex, emit: (ValidationEvent) -> Void)
        throws(CloudTrailVerifyError) -> (withFindings: Set<FolderScope>, notChecked: [ValidationReport.NotChecked]) {
        var withFindings = Set<FolderScope>()
        var notChecked = plan.notChecked
        let roots: [(bucket: String, folder: String, inventory: BucketInventory)] =
            [(plan.bucket, plan.inventory.root, plan.inventory)] + plan.otherRoots.map { ($0.bucket, $0.inventory.root, $0.inventory) }

        // Objects that are not CloudTrail's, where the filters let the run look.
        for (bucket, _, inventory) in roots {
            for finding in inventory.findings where plan.isInScope(finding.scope) && Shard.owns(options.shard, finding.scope) {
                emit(.object(plan.entry(for: finding, bucket: bucket)))
                if let scope = finding.scope { withFindings.insert(scope) }
            }
        }

        // What the chains of each account and region covered.
        var spans: [FolderScope: LogFolderAccountant.Span] = [:]
        for outcome in outcomes {
            let scope = FolderScope(outcome.identity)
            var span = spans[scope] ?? LogFolderAccountant.Span()
            span.chains += outcome.span.chains
            if let start = outcome.span.start, let end = outcome.span.end { span.cover(start: start, end: end) }
            span.gaps += outcome.span.gaps
            span.unreadableDigests += outcome.span.unreadableDigests
            spans[scope] = span
        }
        // The run's range, for folders no chain covers: the window given, else what the selected digests'
        // names span. Taken from the names, not from what the valid digests cover: it is the same in every
        // shard of a sharded run (no shard knows what the others' walks found), and a tampered digest cannot
        // narrow it.
        let named = plan.allChains.compactMap { chain -> (Date, Date)? in
            guard let oldest = chain.summary.oldestAdmitted.flatMap({ DigestObjectKey($0.key) }),
                  let newest = chain.summary.newestAdmitted.flatMap({ DigestObjectKey($0.key) }) else { return nil }
            return (oldest.timestamp.addingTimeInterval(-3600), newest.timestamp)
        }
        let fallback = named
        let runStart = options.window.start ?? fallback.map(\.0).min() ?? .distantPast
        let runEnd = options.window.end ?? fallback.map(\.1).max() ?? .distantFuture

        // Every log folder found, and the folder of every chain even where it holds nothing.
        var folders: [(bucket: String, folder: String, log: BucketInventory.LogFolder)] = []
        var seen = Set<BucketInventory.LogFolder>()
        for (bucket, folder, inventory) in roots {
            for log in inventory.logFolders where Shard.owns(options.shard, log.scope) {
                if ByteWise.equal(bucket, plan.bucket) { seen.insert(log) }
                folders.append((bucket, folder, log))
            }
        }
        for scope in spans.keys.sorted() where !seen.contains(.init(scope: scope, kind: "CloudTrail")) {
            folders.append((plan.bucket, plan.inventory.root, .init(scope: scope, kind: "CloudTrail")))
        }
        folders.sort { lhs, rhs in
            if !ByteWise.equal(lhs.bucket, rhs.bucket) { return ByteWise.less(lhs.bucket, rhs.bucket) }
            return ByteWise.less(lhs.log.key, rhs.log.key)
        }

        // Logs that digests of trails the filters left out list, in the folders this run checks:
        // another trail's logs share the folder and are not "listed by no digest".
        let others = plan.trailFilter ? ListedLogIndex(budget: options.listedLogBudget) : nil
        if let others {
            for (identity, summary) in plan.inventory.chains where plan.whyNotChecked(FolderScope(identity)) == nil
                && Shard.owns(options.shard, FolderScope(identity)) && !plan.chains.contains(where: { $0.identity == identity }) {
                guard summary.count > 0 else { continue }
                let scope = FolderScope(identity)
                let low = spans[scope]?.start ?? runStart
                let high = (spans[scope]?.end ?? runEnd).addingTimeInterval(3600)
                for file in try plan.inventory.files(of: identity) {
                    guard let key = DigestObjectKey(file.key), key.timestamp >= low, key.timestamp <= high, !file.isSymbolicLink,
                          case .success(let digest) = DigestChain.read(plan.inventory.path(of: file)) else { continue }
                    for entry in digest.logFiles { others.insert(entry.location) }
                }
            }
        }

        // Chains the filters left out are named too, so that a digest folder without logs is not passed over silently.
        // With --shard, the shard of the chain's folder names it (and the chains other shards walk are not left out).
        for identity in plan.inventory.chains.keys.sorted() where Shard.owns(options.shard, FolderScope(identity))
            && !plan.allChains.contains(where: { $0.identity == identity }) {
            let scope = FolderScope(identity)
            notChecked.append(.init(
                folder: S3Location(bucket: plan.bucket, key: scope.folder(kind: "CloudTrail-Digest")).uri + " (trail \(identity.trailName)\(identity.isBackfill ? ", backfill" : ""))",
                reason: plan.whyNotChecked(scope) ?? "a chain of a trail the trail filter does not name"))
        }

        let accountant = LogFolderAccountant(listed: listed, listedByOtherTrails: others)
        var jobs: [(folder: LogFolderAccountant.Folder, otherBucket: String?)] = []
        for (bucket, root, log) in folders {
            let uri = S3Location(bucket: bucket, key: log.key).uri
            guard log.kind == "CloudTrail" else {
                notChecked.append(.init(folder: uri, reason: "CloudTrail Insights logs: this run validates the logs digests list, under CloudTrail/"))
                continue
            }
            if let why = plan.whyNotChecked(log.scope) {
                notChecked.append(.init(folder: uri, reason: why))
                continue
            }
            let span = ByteWise.equal(bucket, plan.bucket) ? spans[log.scope] ?? LogFolderAccountant.Span() : LogFolderAccountant.Span()
            var start = span.start ?? runStart
            var end = span.end ?? runEnd
            if let given = options.window.start { start = max(start, given) }
            if let given = options.window.end { end = min(end, given) }
            guard start <= end else {
                notChecked.append(.init(folder: uri, reason: "its chains cover nothing inside the time window"))
                continue
            }
            // Another bucket's folder has the same key as ROOT's would: its coverage says whose it is.
            jobs.append((.init(bucket: bucket, root: root, scope: log.scope, span: span, start: start, end: end),
                         ByteWise.equal(bucket, plan.bucket) ? nil : bucket))
        }
        // Folders are listed `workers` at a time (a folder is a region of an account: few and large), and their
        // findings reported in folder order, as one at a time would: the report is the same, and memory holds
        // the findings of `workers` folders at most.
        let workers = max(1, min(options.concurrency, 2))
        listed.prepareForConcurrentReads()
        others?.prepareForConcurrentReads()
        var next = 0
        while next < jobs.count {
            let batch = Array(jobs[next..<min(next + workers, jobs.count)])
            next += batch.count
            typealias Accounted = (events: [ValidationEvent], coverage: Result<ValidationReport.Coverage, CloudTrailVerifyError>)
            let results = DisjointSlots<Accounted>(count: batch.count)
            // The accountant only reads the listed-log indexes now (prepared above) and lists folders of its own.
            nonisolated(unsafe) let accountant = accountant
            let account = { @Sendable (slot: Int) in
                var events: [ValidationEvent] = []
                let outcome = Result { () throws(CloudTrailVerifyError) in
                    try accountant.account(batch[slot].folder, log: { events.append(.logFile($0)) },
                                           object: { events.append(.object($0)) })
                }
                results.store((events, outcome), at: slot)
            }
            if batch.count > 1 {
                DispatchQueue.concurrentPerform(iterations: batch.count, execute: account)
            } else {
                account(0)
            }
            for slot in batch.indices {
                let (events, outcome) = results[slot]!
                events.forEach(emit)
                if !events.isEmpty { withFindings.insert(batch[slot].folder.scope) }
                var named = try outcome.get()
                if let bucket = batch[slot].otherBucket { named.bucket = bucket }
                emit(.coverage(named))
            }
        }
        if let notice = Self.notCheckedNotice(notChecked) { emit(.notice(notice)) }
        return (withFindings, notChecked)
    }

    /// How the notice naming the folders not checked begins (``ShardMerge`` writes it afresh for the whole run).
    static let notCheckedNoticePrefix = "not checked in this run: "

    /// The notice naming the folders not checked, the first 20 of them; `nil` when every folder was checked.
    static func notCheckedNotice(_ notChecked: [ValidationReport.NotChecked]) -> String? {
        guard !notChecked.isEmpty else { return nil }
        let shown = notChecked.prefix(20).map { "\($0.folder) (\($0.reason))" }.joined(separator: "; ")
        return notCheckedNoticePrefix + shown + (notChecked.count > 20 ? "; and \(notChecked.count - 20) more (see the JSON report)" : "")
    }
}
