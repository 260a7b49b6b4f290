/// Combines the JSON reports of the shards of one run (`validate --shard K/N`) into the report one run
/// over the whole bucket writes (`cloudtrail-verify merge`).
///
/// Every shard owns whole account and region folders (``Shard``), so nothing is found twice: the merge
/// puts each shard's entries back in the order one run emits them (chains by identity, each chain's
/// entries in walk order; then the objects and folders by bucket and key), takes what concerns the run
/// as a whole from shard 0, and counts the summary afresh. It refuses reports that are not the shards of
/// one run: different inputs or settings, a different tool version, a shard missing or given twice.
///
/// What one run and the merge can tell apart: `inputs.root` and the key and `--bucket-root` paths are
/// shard 0's (each shard may read its own copy), and with `--checkpoint` every shard's checkpoint notices
/// are kept (each shard writes its own checkpoint file).
public enum ShardMerge {
    /// The merged report. `names` name the reports in errors (their files), in the same order.
    public static func merge(_ reports: [ValidationReport], names: [String]) throws(CloudTrailVerifyError) -> ValidationReport {
        let shards = try check(reports, names: names)
        var merged = shards[0]
        let inputs = merged.inputs
        let settings = inputs.shard!

        // Chains, then what each chain found, in the order of the chains' identities (as the plan sorts them).
        merged.chains = shards.flatMap(\.chains).sorted { lhs, rhs in
            if !ByteWise.equal(lhs.id, rhs.id) { return ByteWise.less(lhs.id, rhs.id) }
            return ByteWise.less(lhs.homeRegion, rhs.homeRegion)
        }
        var rank: [String: Int] = [:]
        for (position, chain) in merged.chains.enumerated() where rank[chain.id] == nil { rank[chain.id] = position }
        // Every chain of one id is in one shard (one folder), so ordering by the first of them keeps walk order.
        merged.digests = stableSorted(shards.flatMap(\.digests)) { (rank[$0.chain] ?? Int.max) < (rank[$1.chain] ?? Int.max) }
        merged.gaps = stableSorted(shards.flatMap(\.gaps)) { (rank[$0.chain] ?? Int.max) < (rank[$1.chain] ?? Int.max) }

        // Log files: the walk's, by chain; then the accounting's (unreferenced and the like), by folder.
        func logKey(_ entry: ValidationReport.LogFileEntry) -> SortKey {
            if let position = rank[entry.chain] { return SortKey(phase: 0, rank: position) }
            return SortKey(phase: 1, bucket: bucket(of: entry.s3URI), key: entry.chain)
        }
        // A log a digest of one shard lists in another shard's folder: one run would not report it as listed by
        // no digest, so it is taken out of the folder's findings and counts.
        let listedElsewhere = Set(shards.flatMap { $0.inputs.shard!.listedInOtherShards })
        var uncounted: [String: [ValidationReport.LogFileEntry]] = [:]
        let logFiles = shards.flatMap(\.logFiles).filter { entry in
            guard entry.digest == nil, rank[entry.chain] == nil, listedElsewhere.contains(entry.s3URI) else { return true }
            uncounted[entry.chain, default: []].append(entry)
            return false
        }
        merged.logFiles = stableSorted(logFiles) { logKey($0) < logKey($1) }

        // Objects: the inventory's (by root, then key), then the accounting's (by folder).
        var rootRank = [inputs.bucket: 0]
        for (position, name) in inputs.bucketRoots.keys.sorted(by: ByteWise.less).enumerated() { rootRank[name] = position + 1 }
        func objectKey(_ entry: ValidationReport.ObjectEntry) -> SortKey {
            let name = bucket(of: entry.s3URI)
            let key = String(entry.s3URI.utf8.dropFirst("s3://".utf8.count + name.utf8.count + 1))!
            if let scope = entry.scope, ByteWise.equal(key, scope) || key.utf8.starts(with: (scope + "/").utf8) {
                // Inside a log region folder: the inventory never lists those, the accounting does.
                return SortKey(phase: 1, bucket: name, key: scope)
            }
            return SortKey(phase: 0, rank: rootRank[name] ?? Int.max, key: key)
        }
        merged.objects = stableSorted(shards.flatMap(\.objects)) { objectKey($0) < objectKey($1) }
        let coverage = shards.flatMap(\.coverage).map { scope in
            var scope = scope
            for entry in uncounted[scope.scope] ?? [] where ByteWise.equal(bucket(of: entry.s3URI), scope.bucket ?? inputs.bucket) {
                // Undo what the accounting counted it as (LogFolderAccountant): it stays among the files in the window.
                switch entry.status {
                case .unverified: scope.unverified -= 1
                case .invalid: scope.invalid -= 1
                default:
                    if entry.reason == .deliveredDuringGap { scope.deliveredDuringGap -= 1 } else { scope.notInAnyDigest -= 1 }
                }
            }
            return scope
        }
        merged.coverage = stableSorted(coverage) { lhs, rhs in
            SortKey(phase: 0, bucket: lhs.bucket ?? inputs.bucket, key: lhs.scope)
                < SortKey(phase: 0, bucket: rhs.bucket ?? inputs.bucket, key: rhs.scope)
        }

        // Folders not checked: the plan's (shard 0's, in its order), then the chains the filters left out (named by
        // their digest folder and trail: in that text's order, the chains' order), then the log folders, by folder.
        func notCheckedKey(_ entry: ValidationReport.NotChecked) -> SortKey {
            if ByteWise.equal(entry.reason, BucketValidator.otherRootChainReason) { return SortKey(phase: 0) }
            let name = bucket(of: entry.folder)
            let key = String(entry.folder.utf8.dropFirst("s3://".utf8.count + name.utf8.count + 1))!
            let isChain = key.utf8.split(separator: UInt8(ascii: "/")).contains { $0.elementsEqual("CloudTrail-Digest".utf8) }
            return SortKey(phase: isChain ? 1 : 2, bucket: name, key: key)
        }
        let notChecked = stableSorted(shards.flatMap(\.summary.notChecked)) { notCheckedKey($0) < notCheckedKey($1) }

        // Notices: each shard's own (the plan's are shard 0's alone), the folders not checked named afresh
        // for the whole run, and last each shard's checkpoint notices.
        func isCheckpointNotice(_ text: String) -> Bool {
            BucketValidator.checkpointNoticePrefixes.contains { text.utf8.starts(with: $0.utf8) }
        }
        func isNotCheckedNotice(_ text: String) -> Bool { text.utf8.starts(with: BucketValidator.notCheckedNoticePrefix.utf8) }
        merged.notices = shards.flatMap { $0.notices.filter { !isCheckpointNotice($0) && !isNotCheckedNotice($0) } }
        if settings.checkCoverage, let notice = BucketValidator.notCheckedNotice(notChecked) { merged.notices.append(notice) }
        merged.notices += shards.flatMap { $0.notices.filter(isCheckpointNotice) }

        // The summary, counted afresh from the merged entries.
        var counter = SummaryCounter(strict: settings.strict)
        for entry in merged.digests { counter.take(.digest(entry)) }
        for entry in merged.logFiles { counter.take(.logFile(entry)) }
        for entry in merged.objects { counter.take(.object(entry)) }
        for gap in merged.gaps { counter.take(.gap(gap)) }
        counter.trailsWithoutDigests = shards.reduce(0) { $0 + $1.summary.trailsWithoutDigests }
        counter.otherObjects = shards.reduce(0) { $0 + $1.summary.otherObjects }
        counter.notChecked = notChecked
        merged.summary = counter.summary
        merged.inputs.shard = nil
        return merged
    }

    /// The reports in shard order, once each is known to be a shard of the same run.
    static func check(_ reports: [ValidationReport], names: [String]) throws(CloudTrailVerifyError) -> [ValidationReport] {
        guard let first = reports.first else {
            throw CloudTrailVerifyError(.invalidArgument, "no report to merge", expected: "the JSON reports of shards 0 to N-1")
        }
        func name(_ index: Int) -> String { index < names.count ? names[index] : "report \(index + 1)" }
        guard let firstShard = first.inputs.shard else {
            throw CloudTrailVerifyError(.invalidArgument, "not a shard's report (no inputs.shard): it was not written by a sharded run",
                                        path: name(0))
        }
        let count = firstShard.count
        var byIndex: [Int: Int] = [:]
        for (position, report) in reports.enumerated() {
            guard let shard = report.inputs.shard else {
                throw CloudTrailVerifyError(.invalidArgument, "not a shard's report (no inputs.shard): it was not written by a sharded run",
                                            path: name(position))
            }
            if report.tool != first.tool || report.version != first.version {
                throw CloudTrailVerifyError(.invalidArgument, "written by another tool version than \(name(0))", path: name(position),
                                            expected: "\(first.tool) \(first.version)", found: "\(report.tool) \(report.version)")
            }
            if let difference = difference(first.inputs, report.inputs) {
                throw CloudTrailVerifyError(.invalidArgument, "not a shard of the same run as \(name(0)): \(difference) differs",
                                            path: name(position))
            }
            guard shard.index >= 0, shard.index < count else {
                throw CloudTrailVerifyError(.invalidArgument, "shard index out of range", path: name(position),
                                            expected: "0 to \(count - 1)", found: "\(shard.index)")
            }
            if let earlier = byIndex[shard.index] {
                throw CloudTrailVerifyError(.invalidArgument, "shard \(shard.index)/\(count) is given twice (\(name(earlier)) and \(name(position)))",
                                            path: name(position))
            }
            byIndex[shard.index] = position
        }
        let missing = (0..<count).filter { byIndex[$0] == nil }
        guard missing.isEmpty else {
            throw CloudTrailVerifyError(.invalidArgument,
                                        "shard\(missing.count == 1 ? "" : "s") \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")) missing: every shard 0 to \(count - 1) must be given once",
                                        found: "\(reports.count) report(s)")
        }
        return (0..<count).map { reports[byIndex[$0]!] }
    }

    /// The first input two shards of one run must agree on and do not, or `nil`.
    static func difference(_ lhs: ValidationReport.Inputs, _ rhs: ValidationReport.Inputs) -> String? {
        func keys(_ inputs: ValidationReport.Inputs) -> [String] {
            // The keys by what they are, not by where each shard read them from.
            (inputs.publicKeys ?? []).map { "\($0.region ?? "*") \($0.fingerprint) \($0.validityStart ?? "") \($0.validityEnd ?? "") \($0.bits)" }
                .sorted(by: ByteWise.less)
        }
        var left = lhs.shard!
        var right = rhs.shard!
        if left.count != right.count { return "the shard count (\(left.count) and \(right.count))" }
        left.index = 0
        right.index = 0
        left.listedInOtherShards = []
        right.listedInOtherShards = []
        let checks: [(String, Bool)] = [
            ("the bucket", ByteWise.equal(lhs.bucket, rhs.bucket)),
            ("the S3 prefix", ByteWise.equal(lhs.s3Prefix, rhs.s3Prefix)),
            ("the other buckets' copies", lhs.bucketRoots.keys.sorted(by: ByteWise.less) == rhs.bucketRoots.keys.sorted(by: ByteWise.less)),
            ("the start time", lhs.startTime == rhs.startTime),
            ("the end time", lhs.endTime == rhs.endTime),
            ("the trail ARN", lhs.trailARN == rhs.trailARN),
            ("the account", lhs.accountID == rhs.accountID),
            ("the regions", lhs.regions == rhs.regions),
            ("the public keys", keys(lhs) == keys(rhs)),
            ("the trail files", left.trails == right.trails),
            ("strictness", left.strict == right.strict),
            ("the coverage check", left.checkCoverage == right.checkCoverage),
            ("gap explanations", left.explainGaps == right.explainGaps),
            ("the expected newest digest", left.expectDigestsThrough == right.expectDigestsThrough),
            ("incremental walking", left.incremental == right.incremental),
        ]
        return checks.first { !$0.1 }?.0
    }

    /// `s3://BUCKET/…` → `BUCKET`.
    static func bucket(of uri: String) -> String {
        let rest = uri.utf8.dropFirst("s3://".utf8.count)
        return String(rest.prefix { $0 != UInt8(ascii: "/") })!
    }

    /// Where an entry goes in one run's order: a phase, then a rank, then a bucket and key compared as bytes.
    struct SortKey: Comparable {
        var phase: Int
        var rank = 0
        var bucket = ""
        var key = ""

        static func < (lhs: SortKey, rhs: SortKey) -> Bool {
            if lhs.phase != rhs.phase { return lhs.phase < rhs.phase }
            if lhs.rank != rhs.rank { return lhs.rank < rhs.rank }
            if !ByteWise.equal(lhs.bucket, rhs.bucket) { return ByteWise.less(lhs.bucket, rhs.bucket) }
            return ByteWise.less(lhs.key, rhs.key)
        }

        static func == (lhs: SortKey, rhs: SortKey) -> Bool { !(lhs < rhs) && !(rhs < lhs) }
    }

    /// Sorted by `less`, equal entries in the order given (each shard's entries are already in one run's order).
    static func stableSorted<T>(_ items: [T], by less: (T, T) -> Bool) -> [T] {
        items.enumerated().sorted { lhs, rhs in
            if less(lhs.element, rhs.element) { return true }
            if less(rhs.element, lhs.element) { return false }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }
}
