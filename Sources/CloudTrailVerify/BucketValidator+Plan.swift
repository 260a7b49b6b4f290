import Foundation

extension BucketValidator {
    /// Everything decided before the first digest is read: the inputs checked, keys loaded,
    /// chains found and selected. Every "could not run" error is thrown here, before any output.
    struct Plan: Sendable {
        struct Chain: Sendable {
            var identity: ChainIdentity
            var files: [BucketInventory.DigestOnDisk]
            /// The chain as the report describes it (found span still empty).
            var report: ValidationReport.Chain
        }

        var bucket: String
        var roots: BucketRoots
        var keys: PublicKeyStore
        var chains: [Chain]
        var inputs: ValidationReport.Inputs
    }

    func makePlan() throws(CloudTrailVerifyError) -> Plan {
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
            bucket = try Self.discoverBucket(selected.map { inventory.chains[$0]! }, inventory: inventory)
        }
        if options.bucketRoots[bucket] != nil {
            throw CloudTrailVerifyError(.invalidArgument, "--bucket-root names the bucket that ROOT already holds",
                                        path: "--bucket-root", found: bucket)
        }
        var folders = options.bucketRoots
        folders[bucket] = options.root
        let roots = BucketRoots(folders)

        var chains: [Plan.Chain] = []
        for identity in selected {
            let files = inventory.chains[identity]!
            let admitted = files.filter { options.window.admits(keyTimestamp: $0.timestampCode) }
            // The header's range: the window given, else the oldest digest's start and the newest's end.
            let oldestStart = admitted.first.flatMap { file -> String? in
                guard !file.isSymbolicLink, case .success(let digest) = DigestChain.read(inventory.path(of: file)) else { return nil }
                return CloudTrailTime.display(digest.digestStartTime)
            }
            let newestEnd = admitted.last.flatMap { DigestChain.date(fromCode: $0.timestampCode) }.map(CloudTrailTime.display)
            let report = ValidationReport.Chain(
                id: identity.id, trailName: identity.trailName,
                trailArn: trail.map { $0.description } ?? identity.trailARN,
                accountId: identity.accountID, organizationId: identity.organizationID, region: identity.region,
                homeRegion: identity.homeRegion, s3Prefix: identity.prefix, bucket: bucket, backfill: identity.isBackfill,
                digestFilesOnDisk: files.count,
                requestedStart: options.window.start.map(CloudTrailTime.display) ?? oldestStart ?? "the oldest digest",
                requestedEnd: options.window.end.map(CloudTrailTime.display) ?? newestEnd ?? "the newest digest",
                foundStart: nil, foundEnd: nil)
            chains.append(Plan.Chain(identity: identity, files: files, report: report))
        }
        if options.window.start != nil || options.window.end != nil,
           chains.allSatisfy({ chain in !chain.files.contains { options.window.admits(keyTimestamp: $0.timestampCode) } }) {
            throw CloudTrailVerifyError(
                .noDigestsFound, "no digest file lies in the time window", path: options.root,
                expected: "digests ending between \(options.window.start.map(CloudTrailTime.display) ?? "the first") and an hour after \(options.window.end.map(CloudTrailTime.display) ?? "the last")")
        }

        let inputs = ValidationReport.Inputs(
            root: options.root, bucket: bucket, s3Prefix: prefix, bucketRoots: options.bucketRoots,
            publicKeyFiles: keys.files, startTime: options.window.start.map(CloudTrailTime.display),
            endTime: options.window.end.map(CloudTrailTime.display), trailArn: trail?.description,
            accountId: options.accountID, regions: options.regions)
        return Plan(bucket: bucket, roots: roots, keys: keys, chains: chains, inputs: inputs)
    }

    /// The bucket name the digests give, read from the newest readable digest of each chain.
    static func discoverBucket(_ chains: [[BucketInventory.DigestOnDisk]], inventory: BucketInventory) throws(CloudTrailVerifyError) -> String {
        var names: Set<String> = []
        for files in chains {
            for file in files.reversed() where !file.isSymbolicLink {
                if case .success(let digest) = DigestChain.read(inventory.path(of: file)) {
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
                path: inventory.root, found: names.isEmpty ? nil : names.sorted().joined(separator: ", "))
        }
        return name
    }
}
