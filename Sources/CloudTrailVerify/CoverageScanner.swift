import Foundation

/// Finds the log files in a bucket copy that no digest lists.
///
/// CloudTrail delivers logs for an account and region into one folder whatever the
/// trail, so the check is per folder ("scope"), against every digest of every
/// trail read from that scope. What the digests listed comes from a ``ListedLogIndex``,
/// one folder at a time, so the check's memory does not grow with the bucket.
struct CoverageScanner {
    /// One account-and-region log folder.
    struct Scope: Hashable, Sendable {
        var prefix: String?
        var organizationID: String?
        var accountID: String
        var region: String

        init(_ identity: ChainIdentity) {
            prefix = identity.prefix
            organizationID = identity.organizationID
            accountID = identity.accountID
            region = identity.region
        }

        /// `[prefix/]AWSLogs/[o-org/]ACCOUNT/CloudTrail/REGION`
        var folder: String {
            DigestObjectKey.regionFolder(prefix: prefix, organizationID: organizationID, accountID: accountID,
                                         kind: "CloudTrail", region: region)
        }
    }

    /// What the chains of one scope covered.
    struct Span {
        var start: Date?
        var end: Date?
        var gaps: [(start: Date, end: Date)] = []

        mutating func cover(start: Date, end: Date) {
            self.start = min(self.start ?? start, start)
            self.end = max(self.end ?? end, end)
        }
    }

    /// Hash of `bucket/key`: what "is this log listed by some digest" is asked with.
    static func fingerprint(_ location: S3Location) -> Int {
        var hasher = Hasher()
        hasher.combine(location.bucket)
        hasher.combine(location.key)
        return hasher.finalize()
    }

    let root: String
    let bucket: String
    let window: TimeWindow

    /// Local paths of the log files of `scope` delivered between `from` and `to` (by their names),
    /// reading only the day folders in that range.
    static func logFiles(root: String, scope: Scope, from: Date, to: Date) -> [String] {
        var paths: [String] = []
        var day = CloudTrailTime.parse(String(CloudTrailTime.display(from).prefix(10)))!
        while day <= to {
            let text = CloudTrailTime.display(day)
            let folder = "\(scope.folder)/\(text.prefix(4))/\(text.dropFirst(5).prefix(2))/\(text.dropFirst(8).prefix(2))"
            guard BucketRoots.isContained(root + "/" + folder, in: root) else {
                day = day.addingTimeInterval(86_400)
                continue
            }
            try? DirectoryWalker.walk(root + "/" + folder) { entry in
                guard !entry.isSymbolicLink else { return }
                let key = folder + "/" + entry.relativePath
                let log = LogObjectKey(key: key, accountID: scope.accountID, region: scope.region)
                if let delivered = log.deliveryTime, delivered >= from.addingTimeInterval(-60), delivered <= to {
                    paths.append(root + "/" + key)
                }
            }
            day = day.addingTimeInterval(86_400)
        }
        return paths.sorted()
    }

    /// Reports each unreferenced log of `scope` to `emit`, then returns the scope's coverage.
    func scan(_ scope: Scope, span: Span, listed: ListedLogIndex, emit: (ValidationReport.LogFileEntry) -> Void)
        throws(CloudTrailVerifyError) -> ValidationReport.Coverage? {
        guard var start = span.start, var end = span.end else { return nil }
        if let given = window.start { start = max(start, given) }
        if let given = window.end { end = min(end, given) }
        guard start <= end else { return nil }
        var coverage = ValidationReport.Coverage(
            scope: scope.folder, start: CloudTrailTime.display(start), end: CloudTrailTime.display(end),
            logFilesInWindow: 0, notInAnyDigest: 0, deliveredDuringGap: 0)
        let folder = root + "/" + scope.folder
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            return coverage
        }
        // A linked log folder would lead the listing out of the copy: say so instead of reading it.
        guard BucketRoots.isContained(folder, in: root) else {
            coverage.notInAnyDigest += 1
            emit(ValidationReport.LogFileEntry(
                s3Uri: S3Location(bucket: bucket, key: scope.folder).uri, status: .invalid, reason: .unsafePath,
                note: nil, message: "unsafe path, not opened: the log folder is a symbolic link leading outside the bucket copy",
                chain: scope.folder, digest: nil, oldestEventTime: nil, newestEventTime: nil))
            return coverage
        }
        let dayStart = CloudTrailTime.parse(String(CloudTrailTime.display(start).prefix(10)))!
        // The walker hands over each folder's files together: what digests listed there is read once per folder.
        var currentFolder: Substring?
        var listedHere: Set<UInt64> = []
        var failure: CloudTrailVerifyError?
        // Not finding a log folder's files is itself a reason not to vouch; the walker only fails on unreadable folders.
        try? DirectoryWalker.walk(folder) { entry in
            guard failure == nil else { return }
            let key = scope.folder + "/" + entry.relativePath
            let log = LogObjectKey(key: key, accountID: scope.accountID, region: scope.region)
            // In the window? By the file name's delivery time (a whole minute, so only minutes
            // entirely inside count: a log of the window's edge minute may belong to a digest
            // outside it), else by its day folder.
            if let delivered = log.deliveryTime {
                guard delivered >= start, delivered.addingTimeInterval(59) <= end else { return }
            } else if let day = log.folderDay {
                guard day >= dayStart, day <= end else { return }
            }
            // Sidecars and other metadata kept beside logs by download tools are not logs.
            if key.hasSuffix(".metadata.json") { return }
            coverage.logFilesInWindow += 1
            let location = S3Location(bucket: bucket, key: key)
            let parent = ListedLogIndex.folder(of: key)
            if parent != currentFolder {
                do throws(CloudTrailVerifyError) {
                    listedHere = try listed.files(bucket: bucket, folder: parent)
                } catch {
                    failure = error
                    return
                }
                currentFolder = parent
            }
            guard !listedHere.contains(ListedLogIndex.fileHash(location)) else { return }
            let duringGap = log.deliveryTime.map { time in span.gaps.contains { time > $0.start && time < $0.end } } ?? false
            let reason: LogFileReason = duringGap ? .deliveredDuringGap : .notInAnyDigest
            if duringGap { coverage.deliveredDuringGap += 1 } else { coverage.notInAnyDigest += 1 }
            let when = log.deliveryTime.map { "delivered \(CloudTrailTime.display($0))" } ?? "not named like a CloudTrail log"
            emit(ValidationReport.LogFileEntry(
                s3Uri: location.uri, status: reason.status, reason: reason, note: nil,
                message: duringGap
                    ? "listed by no digest; \(when), while the chain had a gap (validation or logging off), so it cannot be proven"
                    : "listed by no digest; \(when), inside the validated window: injected, renamed, or its digest is missing",
                chain: scope.folder, digest: nil, oldestEventTime: nil, newestEventTime: nil))
        }
        if let failure { throw failure }
        return coverage
    }
}
