import Foundation

/// Validates a local copy of a CloudTrail bucket: every digest chain under it,
/// every digest's signature and links, every listed log file's hash.
///
/// ```swift
/// let options = ValidationOptions(root: "bucket", publicKeys: [PublicKeySource(path: "keys")])
/// let report = try await BucketValidator(options: options).run()
/// print(report.summary.result)
/// ```
public struct BucketValidator: Sendable {
    public var options: ValidationOptions

    public init(options: ValidationOptions) {
        self.options = options
    }

    /// Runs the validation. Findings are in the report; a thrown error means it could not run.
    public func run() async throws(CloudTrailVerifyError) -> ValidationReport {
        let trail = try options.trailARN.map { (text) throws(CloudTrailVerifyError) in try TrailARN(text) }
        if let start = options.window.start, let end = options.window.end, start > end {
            throw CloudTrailVerifyError(.invalidArgument, "start time is after end time", path: "--start-time",
                                        expected: "at or before \(CloudTrailTime.display(end))",
                                        found: CloudTrailTime.display(start))
        }
        guard !options.publicKeys.isEmpty else {
            throw CloudTrailVerifyError(.invalidArgument, "no public keys given; pass --public-keys with the output of aws cloudtrail list-public-keys",
                                        path: "--public-keys")
        }
        if let bucket = options.bucket, options.bucketRoots[bucket] != nil {
            throw CloudTrailVerifyError(.invalidArgument, "--bucket-root names the bucket that ROOT already holds",
                                        path: "--bucket-root", found: bucket)
        }
        for (name, folder) in options.bucketRoots {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CloudTrailVerifyError(.unreadableInput, "bucket copy for \(name) is not a folder", path: folder)
            }
        }
        let keys = try PublicKeyStore(sources: options.publicKeys)
        let inventory = try BucketInventory.scan(root: options.root, order: options.listingOrder)
        let prefix = options.s3Prefix.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }.flatMap { $0.isEmpty ? nil : $0 }

        let selected = inventory.chains.keys.filter { identity in
            if let prefix, identity.prefix != prefix { return false }
            if let account = options.accountID, identity.accountID != account { return false }
            if !options.regions.isEmpty, !options.regions.contains(identity.region) { return false }
            if let trail {
                guard identity.trailName == trail.name, identity.homeRegion == trail.region else { return false }
                // An organization trail's digests carry member accounts, not the owner's.
                if identity.organizationID == nil, identity.accountID != trail.accountID { return false }
            }
            return true
        }.sorted()
        guard !selected.isEmpty else {
            if inventory.chains.isEmpty {
                throw CloudTrailVerifyError(.noDigestsFound, "no CloudTrail digest files under it", path: options.root,
                                            expected: "[prefix/]AWSLogs/[o-org/]ACCOUNT/CloudTrail-Digest/REGION/YYYY/MM/DD/*.json.gz")
            }
            throw CloudTrailVerifyError(.noDigestsFound, "no digest chain matches --s3-prefix, --trail-arn, --account-id or --region",
                                        path: options.root,
                                        found: inventory.chains.keys.sorted().map(\.id).joined(separator: ", "))
        }
        for identity in selected where !keys.regions.contains(identity.region) {
            throw CloudTrailVerifyError(.noKeysForRegion, "no public keys for region \(identity.region) (chain \(identity.id))",
                                        path: "--public-keys", expected: "a key file for \(identity.region), e.g. keys/\(identity.region).json",
                                        found: keys.regions.isEmpty ? "none" : keys.regions.sorted().joined(separator: ", "))
        }
        let bucket: String
        if let given = options.bucket {
            bucket = given
        } else {
            bucket = try Self.discoverBucket(selected.map { inventory.chains[$0]! }, root: options.root)
        }
        if options.bucketRoots[bucket] != nil {
            throw CloudTrailVerifyError(.invalidArgument, "--bucket-root names the bucket that ROOT already holds",
                                        path: "--bucket-root", found: bucket)
        }
        var folders = options.bucketRoots
        folders[bucket] = options.root
        let roots = BucketRoots(folders)

        // Chains are independent: walk them concurrently, report them in a fixed order.
        let walks = await withTaskGroup(of: (Int, DigestChain.Outcome).self) { group in
            for (index, identity) in selected.enumerated() {
                let chain = DigestChain(identity: identity, bucket: bucket, files: inventory.chains[identity]!,
                                        roots: roots, keys: keys, window: options.window)
                group.addTask { (index, chain.walk()) }
            }
            var outcomes = [DigestChain.Outcome?](repeating: nil, count: selected.count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes.map { $0! }
        }

        let window = options.window
        if window.start != nil || window.end != nil, walks.allSatisfy({ $0.digests.isEmpty }) {
            throw CloudTrailVerifyError(
                .noDigestsFound, "no digest file lies in the time window", path: options.root,
                expected: "digests ending between \(window.start.map(CloudTrailTime.display) ?? "the first") and an hour after \(window.end.map(CloudTrailTime.display) ?? "the last")")
        }

        // Hash every log the valid digests list, all chains together, so the cores stay busy.
        let checks = walks.flatMap(\.logChecks)
        let verdicts = await LogFileVerifier(roots: roots, concurrency: options.concurrency)
            .verify(checks.map { ($0.entry.location, $0.entry.expectedSHA256) })
        var verdictIterator = verdicts.makeIterator()

        var chains: [ValidationReport.Chain] = []
        var digests: [ValidationReport.DigestEntry] = []
        var logFiles: [ValidationReport.LogFileEntry] = []
        var gaps: [ValidationReport.Gap] = []
        for (identity, walk) in zip(selected, walks) {
            chains.append(ValidationReport.Chain(
                id: identity.id, trailName: identity.trailName,
                trailArn: trail.map { $0.description } ?? identity.trailARN,
                accountId: identity.accountID, organizationId: identity.organizationID, region: identity.region,
                homeRegion: identity.homeRegion, s3Prefix: identity.prefix, bucket: bucket, backfill: identity.isBackfill,
                digestFilesOnDisk: inventory.chains[identity]!.count,
                foundStart: walk.foundStart.map(CloudTrailTime.display), foundEnd: walk.foundEnd.map(CloudTrailTime.display)))
            digests += walk.digests
            gaps += walk.gaps
            // Logs in walk order: each digest's logs right after it, checked or not.
            var checked: [String: [ValidationReport.LogFileEntry]] = [:]
            for check in walk.logChecks {
                let verdict = verdictIterator.next()!
                checked[check.digestURI, default: []].append(ValidationReport.LogFileEntry(
                    s3Uri: check.entry.location.uri, status: verdict.status, reason: verdict.reason, note: verdict.note,
                    message: verdict.message, chain: identity.id, digest: check.digestURI,
                    oldestEventTime: check.entry.oldestEventTime, newestEventTime: check.entry.newestEventTime))
            }
            var unproven: [String: [ValidationReport.LogFileEntry]] = [:]
            for entry in walk.unverifiedLogs { unproven[entry.digest, default: []].append(entry) }
            for digest in walk.digests {
                logFiles += checked[digest.s3Uri] ?? []
                logFiles += unproven[digest.s3Uri] ?? []
            }
        }

        let inputs = ValidationReport.Inputs(
            root: options.root, bucket: bucket, s3Prefix: prefix, bucketRoots: options.bucketRoots,
            publicKeyFiles: keys.files, startTime: options.window.start.map(CloudTrailTime.display),
            endTime: options.window.end.map(CloudTrailTime.display), trailArn: trail?.description,
            accountId: options.accountID, regions: options.regions)
        return ValidationReport(inputs: inputs, chains: chains, digests: digests, logFiles: logFiles, gaps: gaps,
                                summary: ValidationReport.summarize(digests: digests, logFiles: logFiles, gaps: gaps))
    }

    /// The bucket name the digests give, read from the newest readable digest of each chain.
    static func discoverBucket(_ chains: [[BucketInventory.DigestOnDisk]], root: String) throws(CloudTrailVerifyError) -> String {
        var names: Set<String> = []
        for files in chains {
            for file in files.reversed() where !file.isSymbolicLink {
                if case .success(let digest) = DigestChain.read(file.path) {
                    names.insert(digest.digestS3Bucket)
                    break
                }
            }
        }
        guard names.count == 1, let name = names.first else {
            throw CloudTrailVerifyError(
                .unknownBucket,
                names.isEmpty ? "cannot tell the bucket's name: no digest under it is readable; pass --bucket"
                              : "digests name several buckets; pass --bucket",
                path: root, found: names.isEmpty ? nil : names.sorted().joined(separator: ", "))
        }
        return name
    }
}
