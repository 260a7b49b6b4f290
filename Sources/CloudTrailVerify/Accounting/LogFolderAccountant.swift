import Foundation

/// The accounting stage: lists every log folder in scope, entry by entry, once, and accounts for each
/// entry against what the digests listed.
///
/// CloudTrail delivers logs for an account and region into one folder whatever the trail, so the
/// check is per folder, against every digest of every trail read from that folder. An entry is
/// accounted for when a digest this run read lists it (its verdict came from the walk), or when a
/// digest of a trail the filters left out lists it (counted, not checked). Every other entry in the
/// window is reported, with the reason that fits: no chain for the folder, delivered during a gap,
/// in the span of a digest that exists but could not be read, a name that is not CloudTrail's or
/// whose date disagrees with its day folder, or plainly listed by no digest. What the digests listed
/// comes from a ``ListedLogIndex``, one day folder at a time, so memory does not grow with the bucket.
struct LogFolderAccountant {
    /// What the validated chains of one account and region covered.
    struct Span {
        var start: Date?
        var end: Date?
        var gaps: [(start: Date, end: Date)] = []
        /// Digest files that exist but could not be read or were not opened: what they list is unknown.
        var unreadableDigests: [(start: Date, end: Date, uri: String)] = []
        /// Chains of this folder validated in this run.
        var chains = 0

        mutating func cover(start: Date, end: Date) {
            self.start = min(self.start ?? start, start)
            self.end = max(self.end ?? end, end)
        }
    }

    /// One log folder to account for.
    struct Folder {
        var bucket: String
        /// The local copy of `bucket`.
        var root: String
        var scope: FolderScope
        var span: Span
        /// The delivery-time window to check.
        var start: Date
        var end: Date
    }

    let listed: ListedLogIndex
    /// Logs listed by digests of trails the filters left out (their digests were read, not verified).
    let listedByOtherTrails: ListedLogIndex?

    /// Reports each entry of `folder` that nothing accounts for, then returns the folder's coverage.
    func account(_ folder: Folder, log emitLog: (ValidationReport.LogFileEntry) -> Void,
                 object emitObject: (ValidationReport.ObjectEntry) -> Void) throws(CloudTrailVerifyError) -> ValidationReport.Coverage {
        let scope = folder.scope
        let key = scope.logFolder
        let start = folder.start
        let end = folder.end
        var coverage = ValidationReport.Coverage(
            scope: key, start: CloudTrailTime.display(start), end: CloudTrailTime.display(end),
            logFilesInWindow: 0, notInAnyDigest: 0, deliveredDuringGap: 0)
        coverage.digestChains = folder.span.chains
        let path = folder.root + "/" + key
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return coverage
        }
        // A linked log folder would lead the listing out of the copy: say so instead of reading it.
        guard BucketRoots.isContained(path, in: folder.root) else {
            coverage.invalid += 1
            emitObject(ValidationReport.ObjectEntry(
                s3URI: S3Location(bucket: folder.bucket, key: key).uri, status: .invalid, reason: .unexpectedType,
                message: "unsafe path, not opened: the log folder is a symbolic link leading outside the bucket copy",
                scope: key))
            return coverage
        }
        let dayStart = CloudTrailTime.startOfDay(start)
        let prefix = Array((key + "/").utf8)
        let logNameHead = LogObjectKey.head(accountID: scope.accountID, region: scope.region)
        // The walker hands over each folder's files together: what digests listed there is read once per folder.
        var currentFolder: [UInt8]?
        var listedHere: Set<UInt64> = []
        var otherHere: Set<UInt64> = []
        var failure: CloudTrailVerifyError?
        // Listed in byte order whatever the file system's order, so the findings come out the same on every machine.
        DirectoryWalker.walk(path, unreadable: { problem in
            coverage.invalid += 1
            emitObject(ValidationReport.ObjectEntry(
                s3URI: "s3://\(folder.bucket)/" + ObjectKey(bytes: prefix + problem.relative.bytes).display, status: .unverified,
                reason: .unreadableFolder,
                message: "folder cannot be read (\(problem.message)): the log files in it cannot be accounted for", scope: key))
        }) { entry in
            guard failure == nil else { return }
            let objectKey = ObjectKey(bytes: prefix + entry.relative.bytes)
            func report(_ reason: LogFileReason, _ message: String) {
                // Built only for an entry reported: most entries are accounted for and need no name for people.
                let uri = "s3://\(folder.bucket)/" + objectKey.display
                switch reason.status {
                case .unverified: coverage.unverified += 1
                case .invalid: coverage.invalid += 1
                default:
                    if reason == .deliveredDuringGap { coverage.deliveredDuringGap += 1 } else { coverage.notInAnyDigest += 1 }
                }
                emitLog(ValidationReport.LogFileEntry(
                    s3URI: uri, status: reason.status, reason: reason, note: nil, message: message, chain: key, digest: nil,
                    oldestEventTime: nil, newestEventTime: nil))
            }
            switch entry.kind {
            case .regular, .symbolicLink: break
            default:
                // Never opened; a pipe or device has no place among log files, whatever its name.
                report(.unexpectedType, "a \(entry.kind.name), not a file, in a log folder: never opened")
                return
            }
            let log = LogObjectKey(bytes: objectKey.bytes, head: logNameHead)
            // In the window? By the file name's delivery time (a whole minute, so only minutes entirely
            // inside count: a log of the window's edge minute may belong to a digest outside it). When the
            // name's date and the day folder disagree, or the name is not CloudTrail's, the day folder
            // counts too: in scope if either place puts it there.
            let byName = log.deliveryTime.map { $0 >= start && $0.addingTimeInterval(59) <= end }
            let byFolder = log.folderDay.map { $0 >= dayStart && $0 <= end }
            let inWindow: Bool
            switch (byName, byFolder) {
            case (let name?, let day?): inWindow = log.datesDisagree ? (name || day) : name
            case (let name?, nil): inWindow = name
            case (nil, let day?): inWindow = day
            case (nil, nil): inWindow = true
            }
            guard inWindow else {
                coverage.outsideWindow += 1
                return
            }
            // Sidecars kept beside logs by download tools are not logs, but they are not CloudTrail's either.
            coverage.logFilesInWindow += 1
            guard let text = objectKey.string else {
                report(.unrecognizedName, "listed by no digest: its name is not UTF-8 (shown percent-encoded), so it is not CloudTrail's")
                return
            }
            let location = S3Location(bucket: folder.bucket, key: text)
            // Compared in place: a copy of the folder's name is made only when the folder changes.
            let parentEnd = objectKey.bytes.lastIndex(of: UInt8(ascii: "/")) ?? 0
            if !(currentFolder.map { objectKey.bytes[..<parentEnd].elementsEqual($0) } ?? false) {
                let parent = Array(objectKey.bytes[..<parentEnd])
                do throws(CloudTrailVerifyError) {
                    let parentText = Substring(String(decoding: parent, as: UTF8.self))
                    listedHere = try listed.files(bucket: folder.bucket, folder: parentText)
                    otherHere = try listedByOtherTrails?.files(bucket: folder.bucket, folder: parentText) ?? []
                } catch {
                    failure = error
                    return
                }
                currentFolder = parent
            }
            let hash = ListedLogIndex.fileHash(location)
            guard !listedHere.contains(hash) else { return }
            if otherHere.contains(hash) {
                coverage.listedByTrailsNotValidated += 1
                coverage.logFilesInWindow -= 1
                return
            }
            let when = log.deliveryTime.map { "delivered \(CloudTrailTime.display($0))" }
            if log.deliveryTime == nil {
                report(.unrecognizedName, "listed by no digest, and not named like a CloudTrail log file of \(scope.accountID) in \(scope.region)")
            } else if log.datesDisagree, let day = log.folderDay {
                report(.dateMismatch, "listed by no digest; its name says \(when!), but it lies in the day folder of \(CloudTrailTime.display(day).prefix(10)): renamed or moved")
            } else if folder.span.chains == 0 {
                report(.noDigestChain, "listed by no digest; \(when!), and this copy holds no digest chain validated for \(scope.accountID) in \(scope.region): nothing here can be proven (all its digests gone, validation off, or an account no digest names)")
            } else if let time = log.deliveryTime, folder.span.gaps.contains(where: { time > $0.start && time < $0.end }) {
                report(.deliveredDuringGap, "listed by no digest; \(when!), while the chain had a gap (validation or logging off), so it cannot be proven")
            } else if let time = log.deliveryTime,
                      let digest = folder.span.unreadableDigests.first(where: { time >= $0.start && time <= $0.end }) {
                report(.digestUnreadable, "listed by no digest read; \(when!), in the span of digest \(digest.uri), which exists but could not be read or verified: it may list this file")
            } else {
                report(.notInAnyDigest, "listed by no digest; \(when!), inside the validated window: injected, renamed, or its digest is missing")
            }
        }
        if let failure { throw failure }
        return coverage
    }

    /// Local paths of the log files of `scope` delivered between `from` and `to` (by their names),
    /// reading only the day folders in that range. Names that are not UTF-8 are not CloudTrail's and are left out.
    static func logFiles(root: String, scope: FolderScope, from: Date, to: Date) -> [String] {
        var paths: [String] = []
        var day = CloudTrailTime.startOfDay(from)
        while day <= to {
            let text = CloudTrailTime.display(day)
            let folder = "\(scope.logFolder)/\(text.prefix(4))/\(text.dropFirst(5).prefix(2))/\(text.dropFirst(8).prefix(2))"
            day = day.addingTimeInterval(86_400)
            guard BucketRoots.isContained(root + "/" + folder, in: root) else { continue }
            // An unreadable day folder is reported by the accounting stage; here it only has nothing to offer.
            DirectoryWalker.walk(root + "/" + folder, unreadable: { _ in }) { entry in
                guard entry.kind == .regular, let relative = entry.relativePath else { return }
                let key = folder + "/" + relative
                let log = LogObjectKey(key: key, accountID: scope.accountID, region: scope.region)
                if let delivered = log.deliveryTime, delivered >= from.addingTimeInterval(-60), delivered <= to {
                    paths.append(root + "/" + key)
                }
            }
        }
        return paths.sorted { ByteWise.less($0, $1) }
    }
}
