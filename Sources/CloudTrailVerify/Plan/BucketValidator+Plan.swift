import Foundation

extension BucketValidator {
    /// Everything decided before the first digest is read: the inputs checked, keys loaded,
    /// chains found and selected. Every "could not run" error is thrown here, before any output.
    struct Plan: Sendable {
        struct Chain: Sendable {
            var identity: ChainIdentity
            /// The chain's files on disk, summed up; ``BucketInventory/files(of:)`` lists them when the walk starts.
            var summary: BucketInventory.ChainSummary
            /// The chain as the report describes it (found span still empty).
            var report: ValidationReport.Chain
            /// Digests must reach this time (trail status or `--expect-digests-through`).
            var expectedThrough: Date?
            /// The earlier run's record for this chain.
            var checkpoint: ValidationCheckpoint.Entry?
        }

        var bucket: String
        var inventory: BucketInventory
        var roots: BucketRoots
        var keys: PublicKeyStore
        /// The chains this run walks: with `--shard`, those of its share only.
        var chains: [Chain]
        /// Every chain selected, whichever shard walks it: the run's range for folders no chain covers.
        var allChains: [Chain] = []
        var inputs: ValidationReport.Inputs
        var notices: [String]
        var checkpoint: ValidationCheckpoint?
        /// Trails from `--trail` that should have digests here and have none.
        var trailsWithoutDigests: Int
        /// The other buckets' copies (`--bucket-root`), inventoried like ROOT.
        var otherRoots: [(bucket: String, inventory: BucketInventory)] = []
        /// The trails of `--trail`.
        var trails: [TrailConfiguration] = []
        /// `--s3-prefix`, without its trailing slash.
        var prefixFilter: String?
        /// The account and region folders of the chains selected.
        var selectedScopes: Set<FolderScope> = []
        /// Whether `--trail-arn` or `--trail` narrowed the chains to some trails.
        var trailFilter = false
        var accountFilter: String?
        var regionFilter: [String] = []
        /// Folders found and left out; the accounting stage adds the log folders it leaves out.
        var notChecked: [ValidationReport.NotChecked] = []

        /// Why the folders of `scope` are not checked in this run, or `nil` when they are.
        func whyNotChecked(_ scope: FolderScope) -> String? {
            if let prefixFilter, !ByteWise.equal(scope.prefix, prefixFilter) { return "outside the S3 prefix filter (\(prefixFilter))" }
            if let accountFilter, !ByteWise.equal(scope.accountID, accountFilter) { return "left out by the account filter (\(accountFilter))" }
            if !regionFilter.isEmpty, !regionFilter.contains(where: { ByteWise.equal($0, scope.region) }) {
                return "left out by the region filter"
            }
            guard trailFilter, !selectedScopes.contains(scope) else { return nil }
            // A multi-region trail delivers from every region: each region folder of its account is its.
            let multiRegion = trails.contains { trail in
                trail.isMultiRegion && ByteWise.equal(scope.prefix, prefixFilter ?? trail.prefix.flatMap { $0.isEmpty ? nil : $0 })
                    && (trail.isOrganizationTrail ? scope.organizationID != nil : ByteWise.equal(scope.accountID, trail.arn.accountID))
            }
            return multiRegion ? nil : "no chain of the trails the trail filter names delivers here"
        }

        func isInScope(_ scope: FolderScope?) -> Bool {
            guard let scope else { return true }
            return whyNotChecked(scope) == nil
        }

        /// An inventory finding as the report shows it.
        func entry(for finding: ObjectFinding, bucket: String? = nil) -> ValidationReport.ObjectEntry {
            ValidationReport.ObjectEntry(s3URI: "s3://\(bucket ?? self.bucket)/" + finding.key.display,
                                         status: finding.reason.status, reason: finding.reason, message: finding.message,
                                         scope: finding.scope?.logFolder)
        }
    }

    func makePlan() throws(CloudTrailVerifyError) -> Plan {
        let trail = try options.trailARN.map { (text) throws(CloudTrailVerifyError) in try TrailARN(text) }
        if let trail, let problem = TrailConfiguration.validateTrailName(trail.name) {
            throw CloudTrailVerifyError(.invalidArgument, "not a valid trail name: \(problem)", found: trail.name, option: .trailARN)
        }
        var notices: [String] = []
        var trails: [TrailConfiguration] = []
        for file in options.trailFiles {
            trails += try TrailConfiguration.load(path: file)
        }
        if !options.trailFiles.isEmpty && trails.isEmpty {
            throw CloudTrailVerifyError(.invalidArgument, "the trail file lists no trails", path: options.trailFiles.joined(separator: ", "))
        }
        for configuration in trails where !configuration.logFileValidationEnabled {
            notices.append("trail \(configuration.arn) has log file validation disabled now: CloudTrail is writing no digests for it, so nothing it delivers from now on can be proven")
        }
        let trailStatus = try options.trailStatusFile.map { (path) throws(CloudTrailVerifyError) in try TrailStatus.load(path: path) }
        let checkpoint = try options.checkpointFile.flatMap { (path) throws(CloudTrailVerifyError) in try ValidationCheckpoint.load(path: path) }
        if options.incremental && options.checkpointFile == nil {
            throw CloudTrailVerifyError(.invalidArgument, "an incremental run needs a checkpoint file", option: .incremental)
        }
        if let start = options.window.start, let end = options.window.end, start > end {
            throw CloudTrailVerifyError(.invalidArgument, "start time is after end time",
                                        expected: "at or before \(CloudTrailTime.display(end))",
                                        found: CloudTrailTime.display(start), option: .startTime)
        }
        guard !options.publicKeys.isEmpty else {
            throw CloudTrailVerifyError(.invalidArgument, "no public keys given: they are the output of aws cloudtrail list-public-keys",
                                        option: .publicKeys)
        }
        for (name, folder) in options.bucketRoots {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CloudTrailVerifyError(.unreadableInput, "bucket copy for \(name) is not a folder", path: folder)
            }
        }
        let keys = try PublicKeyStore(sources: options.publicKeys)
        let window = options.window
        let inventory = try BucketInventory.scan(root: options.root, order: options.listingOrder) {
            window.admits(keyTimestamp: $0)
        }
        // A misplaced ROOT would otherwise look like tampering or like an empty copy.
        try Self.checkRootPlacement(root: inventory.root, inventory: inventory)
        let prefix = options.s3Prefix.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }.flatMap { $0.isEmpty ? nil : $0 }
        func matchesTrailFile(_ identity: ChainIdentity) -> TrailConfiguration? {
            trails.first { configuration in
                ByteWise.equal(identity.trailName, configuration.name) && ByteWise.equal(identity.homeRegion, configuration.homeRegion)
                    && (configuration.isOrganizationTrail || ByteWise.equal(identity.accountID, configuration.arn.accountID))
                    && (prefix != nil || ByteWise.equal(identity.prefix, configuration.prefix.flatMap { $0.isEmpty ? nil : $0 }))
            }
        }

        let filter = ChainFilter(options: options, trail: trail)
        let selected = inventory.chains.keys.filter { identity in
            guard filter.admits(identity) else { return false }
            if !trails.isEmpty, matchesTrailFile(identity) == nil { return false }
            return true
        }.sorted()
        guard !selected.isEmpty else {
            if inventory.chains.isEmpty {
                throw CloudTrailVerifyError(.noDigestsFound, "no CloudTrail digest files under it", path: options.root,
                                            expected: "[prefix/]AWSLogs/[o-org/]ACCOUNT/CloudTrail-Digest/REGION/YYYY/MM/DD/*.json.gz")
            }
            throw CloudTrailVerifyError(.noDigestsFound, "no digest chain matches the prefix, trail, account and region filters",
                                        path: options.root,
                                        found: inventory.chains.keys.sorted().map(\.id).joined(separator: ", "), option: .filters)
        }
        for identity in selected where !keys.hasKeys(for: identity.region) {
            throw CloudTrailVerifyError(.noKeysForRegion, "no public keys for region \(identity.region) (chain \(identity.id))",
                                        expected: "a key file for \(identity.region), e.g. keys/\(identity.region).json",
                                        found: keys.regions.isEmpty ? "none" : keys.regions.sorted().joined(separator: ", "),
                                        option: .publicKeys)
        }
        for file in keys.unboundFiles {
            notices.append("the keys in \(file) are bound to no region (name the file <region>.json, put it in a <region>/ folder, or bind it to a region explicitly): they may check digests of any region, so the region check is not made for them")
        }
        try Self.checkKeysMatch(selected, inventory: inventory, keys: keys, window: window)
        let bucket: String
        let trailBuckets = Set(trails.map(\.bucket))
        if let given = options.bucket {
            bucket = given
        } else if trailBuckets.count == 1, let named = trailBuckets.first {
            bucket = named
        } else {
            bucket = try Self.discoverBucket(selected, inventory: inventory)
        }
        if options.bucketRoots[bucket] != nil {
            throw CloudTrailVerifyError(.invalidArgument, "a bucket root names the bucket that ROOT already holds",
                                        found: bucket, option: .bucketRoots)
        }
        var trailsWithoutDigests = 0
        for configuration in trails where configuration.logFileValidationEnabled && ByteWise.equal(configuration.bucket, bucket)
            && !inventory.chains.keys.contains(where: { !$0.isBackfill && matchesTrailFile($0) == configuration }) {
            trailsWithoutDigests += 1
            notices.append("trail \(configuration.arn) has log file validation on and delivers to \(bucket), but this copy holds none of its digests: everything it delivered is unproven")
        }
        var folders = options.bucketRoots
        folders[bucket] = options.root
        let roots = BucketRoots(folders)

        // What the trail status (or --expect-digests-through) says must be on disk: one trail's word.
        var expectation = options.expectDigestsThrough
        if let trailStatus {
            let trailsSelected = Set(selected.filter { !$0.isBackfill }.map { "\($0.trailName)@\($0.homeRegion)" })
            if trailsSelected.count > 1 && trail == nil && trails.count != 1 {
                throw CloudTrailVerifyError(.invalidArgument, "a trail status is one trail's, but ROOT holds several trails; name the trail",
                                            path: options.trailStatusFile, found: trailsSelected.sorted().joined(separator: ", "),
                                            option: .trailStatusFile)
            }
            if let latest = trailStatus.latestDigestDeliveryTime {
                expectation = max(expectation ?? latest, latest)
            } else {
                notices.append("the trail status has no LatestDigestDeliveryTime: the newest digests cannot be checked for deletion")
            }
            if !trailStatus.isLogging {
                notices.append("the trail status says the trail is not logging\(trailStatus.stopLoggingTime.map { " (stopped \(CloudTrailTime.display($0)))" } ?? "")")
            }
        }
        if let end = options.window.end, let expected = expectation {
            // Past the window's end (and the hour after it whose digest is read) nothing is expected.
            expectation = min(expected, end.addingTimeInterval(3600))
        }

        var chains: [Plan.Chain] = []
        for identity in selected {
            let summary = inventory.chains[identity]!
            // The header's range: the window given, else the oldest digest's start and the newest's end.
            let oldestStart = summary.oldestAdmitted.flatMap { file -> String? in
                guard !file.isSymbolicLink, case .success(let digest) = DigestChain.read(inventory.path(of: file)) else { return nil }
                return CloudTrailTime.display(digest.digestStartTime)
            }
            let newestEnd = summary.newestAdmitted.flatMap { DigestChain.date(fromCode: $0.timestampCode) }.map(CloudTrailTime.display)
            var report = ValidationReport.Chain(
                id: identity.id, trailName: identity.trailName,
                trailARN: trail.map { $0.description } ?? matchesTrailFile(identity).map { $0.arn.description } ?? identity.trailARN,
                accountID: identity.accountID, organizationID: identity.organizationID, region: identity.region,
                homeRegion: identity.homeRegion, s3Prefix: identity.prefix, bucket: bucket, backfill: identity.isBackfill,
                digestFilesOnDisk: summary.count,
                requestedStart: options.window.start.map(CloudTrailTime.display) ?? oldestStart ?? "the oldest digest",
                requestedEnd: options.window.end.map(CloudTrailTime.display) ?? newestEnd ?? "the newest digest",
                foundStart: nil, foundEnd: nil)
            let expectedThrough = identity.isBackfill ? nil : expectation
            report.expectedThrough = expectedThrough.map(CloudTrailTime.display)
            chains.append(Plan.Chain(identity: identity, summary: summary, report: report,
                                     expectedThrough: expectedThrough,
                                     checkpoint: checkpoint?.chains[identity.id]))
        }
        if options.window.start != nil || options.window.end != nil,
           chains.allSatisfy({ $0.summary.admittedCount == 0 }) {
            throw CloudTrailVerifyError(
                .noDigestsFound, "no digest file lies in the time window", path: options.root,
                expected: "digests ending between \(options.window.start.map(CloudTrailTime.display) ?? "the first") and an hour after \(options.window.end.map(CloudTrailTime.display) ?? "the last")",
                found: Self.digestSpan(chains.map(\.summary)))
        }

        var inputs = ValidationReport.Inputs(
            root: options.root, bucket: bucket, s3Prefix: prefix, bucketRoots: options.bucketRoots,
            publicKeyFiles: keys.files, startTime: options.window.start.map(CloudTrailTime.display),
            endTime: options.window.end.map(CloudTrailTime.display), trailARN: trail?.description,
            accountID: options.accountID, regions: options.regions)
        inputs.publicKeys = keys.keys.map {
            ValidationReport.PublicKeyInput(file: $0.sourcePath, region: $0.region, fingerprint: $0.fingerprint,
                                            validityStart: $0.validityStart.map(CloudTrailTime.display),
                                            validityEnd: $0.validityEnd.map(CloudTrailTime.display), bits: $0.bitCount)
        }
        let shard = options.shard
        if let shard {
            inputs.shard = ValidationReport.ShardInput(
                index: shard.index, count: shard.count, strict: options.strict, checkCoverage: options.checkCoverage,
                explainGaps: options.explainGaps, trails: trails.map(\.arn.description).sorted(by: ByteWise.less),
                expectDigestsThrough: expectation.map(CloudTrailTime.display), incremental: options.incremental)
        }
        // Everything above is decided alike in every shard (so that every shard fails alike); from here on,
        // a shard keeps its own folders' chains, and shard 0 what concerns the run as a whole.
        let runWide = shard?.ownsRunWide ?? true
        var plan = Plan(bucket: bucket, inventory: inventory, roots: roots, keys: keys,
                        chains: chains.filter { Shard.owns(shard, FolderScope($0.identity)) }, inputs: inputs,
                        notices: runWide ? notices : [], checkpoint: checkpoint,
                        trailsWithoutDigests: runWide ? trailsWithoutDigests : 0)
        plan.allChains = chains
        plan.trails = trails
        plan.prefixFilter = prefix
        plan.selectedScopes = Set(selected.map(FolderScope.init))
        plan.trailFilter = trail != nil || !trails.isEmpty
        plan.accountFilter = options.accountID
        plan.regionFilter = options.regions
        // The other buckets' copies are inventoried too: their log folders are accounted for like ROOT's.
        for (name, folder) in options.bucketRoots.sorted(by: { ByteWise.less($0.key, $1.key) }) {
            let other = try BucketInventory.scan(root: folder, order: options.listingOrder)
            for identity in other.chains.keys.sorted() where runWide {
                plan.notChecked.append(ValidationReport.NotChecked(
                    folder: S3Location(bucket: name, key: FolderScope(identity).folder(kind: "CloudTrail-Digest")).uri + " (\(identity.trailName))",
                    reason: Self.otherRootChainReason))
            }
            plan.otherRoots.append((name, other))
        }
        return plan
    }

    /// Why a chain found in a `--bucket-root` copy is not walked.
    static let otherRootChainReason = "digest chains are walked from ROOT; digests in another bucket's copy are read only where ROOT's digests link to them"

    /// "digests on disk span X to Y": what the disk holds, by the timestamps in the digests' keys.
    static func digestSpan(_ summaries: [BucketInventory.ChainSummary]) -> String {
        let oldest = summaries.map(\.oldest.timestampCode).min().flatMap(DigestChain.date(fromCode:))
        let newest = summaries.map(\.newest.timestampCode).max().flatMap(DigestChain.date(fromCode:))
        guard let oldest, let newest else { return "no digest on disk" }
        return "digests on disk span \(CloudTrailTime.display(oldest)) to \(CloudTrailTime.display(newest))"
    }

    /// The bucket name the digests give, read from the newest readable digest of each chain.
    static func discoverBucket(_ chains: [ChainIdentity], inventory: BucketInventory) throws(CloudTrailVerifyError) -> String {
        var names: Set<String> = []
        func name(in file: BucketInventory.DigestOnDisk) -> String? {
            guard !file.isSymbolicLink, case .success(let digest) = DigestChain.read(inventory.path(of: file)) else { return nil }
            return digest.digestS3Bucket
        }
        for identity in chains {
            // The newest digest nearly always answers; only when it cannot be read is the chain listed.
            if let found = inventory.chains[identity].flatMap({ name(in: $0.newest) }) {
                names.insert(found)
                continue
            }
            for file in try inventory.files(of: identity).reversed() {
                if let found = name(in: file) {
                    names.insert(found)
                    break
                }
            }
        }
        guard names.count == 1, let name = names.first else {
            throw CloudTrailVerifyError(
                .unknownBucket,
                names.isEmpty ? "cannot tell the bucket's name: no digest under it is readable; give the name"
                              : "digests name several buckets; give the bucket's name",
                path: inventory.root, found: names.isEmpty ? nil : names.sorted().joined(separator: ", "), option: .bucket)
        }
        return name
    }
}
