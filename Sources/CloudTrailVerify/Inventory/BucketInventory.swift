import Foundation

/// Everything found under a bucket copy's root, classified in one pass.
///
/// Every entry below the root is one of: a digest (grouped into chains), the sidecar of a
/// digest beside it, a log folder (listed entry by entry later, by ``LogFolderAccountant``,
/// so that the bucket's millions of logs are listed once and never held in memory), an
/// object outside CloudTrail's folders (counted), or a finding (``ObjectFinding``): an
/// unexpected file or entry type inside a `CloudTrail/` or `CloudTrail-Digest/` tree, a
/// sidecar with no digest beside it, a folder that cannot be read. Nothing is passed over.
///
/// A bucket can hold millions of digests (an organization trail writes one an hour
/// per account and region), so the inventory keeps a small summary per chain, not
/// the chain's files: ``files(of:)`` lists one chain's files when its walk starts,
/// and they are let go when it ends. Memory follows the longest chain, not the bucket.
struct BucketInventory: Sendable {
    /// One digest file on disk: kept small, since a chain can hold tens of thousands.
    struct DigestOnDisk: Sendable, Hashable {
        /// The object key (its path below the root).
        var key: String
        /// The key's end timestamp as `YYYYMMDDHHMMSS`.
        var timestampCode: UInt64
        /// The file is a symbolic link; it is never read except through ``BucketRoots``' containment check.
        var isSymbolicLink: Bool

        /// Chain order: by the key's timestamp, like the S3 listing the AWS CLI walks, then by the key's bytes.
        static func precedes(_ lhs: DigestOnDisk, _ rhs: DigestOnDisk) -> Bool {
            if lhs.timestampCode != rhs.timestampCode { return lhs.timestampCode < rhs.timestampCode }
            return ByteWise.less(lhs.key, rhs.key)
        }

        static func == (lhs: DigestOnDisk, rhs: DigestOnDisk) -> Bool {
            lhs.timestampCode == rhs.timestampCode && ByteWise.equal(lhs.key, rhs.key) && lhs.isSymbolicLink == rhs.isSymbolicLink
        }

        func hash(into hasher: inout Hasher) {
            ByteWise.hash(key, into: &hasher)
        }
    }

    /// What the survey remembers of one chain.
    struct ChainSummary: Sendable, Hashable {
        /// Digest files of the chain on disk.
        var count: Int
        /// The oldest and newest of them, in chain order.
        var oldest: DigestOnDisk
        var newest: DigestOnDisk
        /// How many of them the time window of the survey admits, and the oldest and newest of those.
        var admittedCount = 0
        var oldestAdmitted: DigestOnDisk?
        var newestAdmitted: DigestOnDisk?

        init(_ file: DigestOnDisk, admitted: Bool) {
            count = 0
            oldest = file
            newest = file
            add(file, admitted: admitted)
        }

        mutating func add(_ file: DigestOnDisk, admitted: Bool) {
            count += 1
            if DigestOnDisk.precedes(file, oldest) { oldest = file }
            if DigestOnDisk.precedes(newest, file) { newest = file }
            guard admitted else { return }
            admittedCount += 1
            if oldestAdmitted.map({ DigestOnDisk.precedes(file, $0) }) ?? true { oldestAdmitted = file }
            if newestAdmitted.map({ DigestOnDisk.precedes($0, file) }) ?? true { newestAdmitted = file }
        }
    }

    /// The folder scanned.
    private(set) var root: String

    /// Every chain found, with a summary of its files.
    private(set) var chains: [ChainIdentity: ChainSummary]

    /// Every log folder found (`…/ACCOUNT/CloudTrail/REGION` or `…/CloudTrail-Insight/REGION`), by kind.
    private(set) var logFolders: [LogFolder] = []

    /// What the scan found that is neither a digest, a sidecar beside one, a log folder nor outside CloudTrail's trees.
    private(set) var findings: [ObjectFinding] = []

    /// Entries outside every `CloudTrail…` tree (other services' logs, other files): counted, not judged.
    private(set) var otherObjects = 0

    /// Digest-tree sidecars (`<digest>.metadata.json`) found beside their digest.
    private(set) var sidecars = 0

    /// The order folders are listed in (tests shuffle it).
    let order: DirectoryWalker.Order

    /// A log region folder: the unit ``LogFolderAccountant`` lists.
    struct LogFolder: Hashable, Sendable {
        var scope: FolderScope
        /// `CloudTrail` or `CloudTrail-Insight`.
        var kind: String
        var key: String { scope.folder(kind: kind) }

        static func == (lhs: LogFolder, rhs: LogFolder) -> Bool { lhs.scope == rhs.scope && ByteWise.equal(lhs.kind, rhs.kind) }
        func hash(into hasher: inout Hasher) {
            hasher.combine(scope)
            ByteWise.hash(kind, into: &hasher)
        }
    }

    /// The local path of a digest found by the scan.
    func path(of file: DigestOnDisk) -> String { root + "/" + file.key }

    /// Walks `root` and classifies every entry (see the type's description).
    ///
    /// Symbolic links to folders are not followed; a symbolic link named like a digest is
    /// listed and then judged (``BucketRoots`` refuses it if it leads outside the copy).
    static func scan(root: String) throws(CloudTrailVerifyError) -> BucketInventory {
        try scan(root: root, order: .asListed)
    }

    /// `admits` gets each digest key's timestamp code and says whether the time window lets the walk start there.
    static func scan(root: String, order: DirectoryWalker.Order,
                     admits: (UInt64) -> Bool = { _ in true }) throws(CloudTrailVerifyError) -> BucketInventory {
        let root = BucketRoots.normalize(root)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else {
            throw CloudTrailVerifyError(.unreadableInput, "bucket copy does not exist", path: root)
        }
        guard isDirectory.boolValue else {
            throw CloudTrailVerifyError(.unreadableInput, "bucket copy is not a folder", path: root)
        }
        var inventory = BucketInventory(root: root, chains: [:], order: order)
        var folderBatch = FolderBatch()
        DirectoryWalker.walk(root, order: order, skipFolder: { CloudTrailPath.isLogRegionFolder($0) }, unreadable: { failure in
            let path = CloudTrailPath(failure.relative)
            inventory.findings.append(ObjectFinding(key: failure.relative, scope: path.scope, reason: .unreadableFolder,
                                                    message: "folder cannot be read (\(failure.message)): what it holds cannot be accounted for"))
        }) { entry in
            let path = CloudTrailPath(entry.relative)
            if folderBatch.parent != entry.relative.parent {
                inventory.settle(&folderBatch)
                folderBatch.parent = entry.relative.parent
            }
            inventory.classify(entry, path: path, admits: admits, batch: &folderBatch)
        }
        inventory.settle(&folderBatch)
        inventory.findings.sort { $0.key < $1.key }
        inventory.logFolders.sort { ($0.scope, $0.kind.utf8.count) < ($1.scope, $1.kind.utf8.count) }
        return inventory
    }

    /// The sidecars of one folder wait until the whole folder is listed: a sidecar is accounted for
    /// only when its digest lies beside it, whatever order the names come in.
    private struct FolderBatch {
        var parent: ObjectKey?
        var digestNames: Set<ObjectKey> = []
        var sidecars: [(key: ObjectKey, digest: ObjectKey, scope: FolderScope?)] = []
    }

    private mutating func settle(_ batch: inout FolderBatch) {
        for sidecar in batch.sidecars {
            if batch.digestNames.contains(sidecar.digest) {
                sidecars += 1
            } else {
                findings.append(ObjectFinding(key: sidecar.key, scope: sidecar.scope, reason: .orphanSidecar,
                                              message: "a .metadata.json sidecar with no digest file beside it"))
            }
        }
        batch = FolderBatch()
    }

    private mutating func classify(_ entry: DirectoryWalker.Entry, path: CloudTrailPath,
                                   admits: (UInt64) -> Bool, batch: inout FolderBatch) {
        switch path.tree {
        case .other:
            otherObjects += 1
        case .logs:
            if entry.kind == .skippedFolder, path.isRegionFolder, let scope = path.scope {
                logFolders.append(LogFolder(scope: scope, kind: path.kind))
            } else {
                // Only region folders hold logs: anything else in a log tree is not CloudTrail's.
                findings.append(ObjectFinding(key: entry.relative, scope: path.scope, reason: .unexpectedObject,
                                              message: "\(entry.kind.name) in a CloudTrail log tree outside any region folder"))
            }
        case .digests:
            if let text = entry.relative.string, let key = DigestObjectKey(text) {
                // Any entry named like a digest is a digest: the walk judges it (a pipe or link is refused there).
                let file = DigestOnDisk(key: text, timestampCode: key.timestampCode, isSymbolicLink: entry.isSymbolicLink)
                let identity = ChainIdentity(key)
                let admitted = admits(file.timestampCode)
                if chains[identity] == nil {
                    chains[identity] = ChainSummary(file, admitted: admitted)
                } else {
                    chains[identity]!.add(file, admitted: admitted)
                }
                batch.digestNames.insert(entry.relative)
                return
            }
            let suffix = Array(".metadata.json".utf8)
            if entry.kind == .regular || entry.kind == .symbolicLink, entry.relative.bytes.count > suffix.count,
               entry.relative.bytes.suffix(suffix.count).elementsEqual(suffix) {
                let digest = ObjectKey(bytes: Array(entry.relative.bytes.dropLast(suffix.count)))
                if let text = digest.string, DigestObjectKey(text) != nil {
                    batch.sidecars.append((entry.relative, digest, path.scope))
                    return
                }
            }
            let what = entry.kind == .regular ? "file" : entry.kind.name
            findings.append(ObjectFinding(
                key: entry.relative, scope: path.scope,
                reason: entry.kind == .regular || entry.kind == .symbolicLink ? .unexpectedObject : .unexpectedType,
                message: "\(what) in a CloudTrail digest tree that is neither a digest file nor a digest's .metadata.json sidecar"
                    + (entry.relative.isPrintable ? "" : " (its name is not printable UTF-8: shown percent-encoded)")))
        }
    }

    /// The digest files of one chain, in chain order (oldest first), listed afresh from its folder.
    func files(of identity: ChainIdentity) throws(CloudTrailVerifyError) -> [DigestOnDisk] {
        let folder = DigestObjectKey.regionFolder(prefix: identity.prefix, organizationID: identity.organizationID,
                                                  accountID: identity.accountID, kind: "CloudTrail-Digest",
                                                  region: identity.region)
        // The survey reached this folder without following a link; a link put in its place since must not lead out.
        guard BucketRoots.isContained(root + "/" + folder, in: root) else {
            throw CloudTrailVerifyError(.unreadableInput, "the digest folder became a link leading outside the bucket copy during the run",
                                        path: root + "/" + folder)
        }
        var files: [DigestOnDisk] = []
        var failure: DirectoryWalker.Failure?
        let base = ObjectKey(folder + "/")
        DirectoryWalker.walk(root + "/" + folder, order: order, unreadable: { failure = failure ?? $0 }) { entry in
            guard let text = ObjectKey(bytes: base.bytes + entry.relative.bytes).string, let key = DigestObjectKey(text),
                  ChainIdentity(key) == identity else { return }
            files.append(DigestOnDisk(key: text, timestampCode: key.timestampCode, isSymbolicLink: entry.isSymbolicLink))
        }
        // The scan read this folder: one that cannot be read now changed during the run.
        if let failure {
            throw CloudTrailVerifyError(.unreadableInput, "digest folder cannot be read any more (\(failure.message))", path: failure.path)
        }
        files.sort(by: DigestOnDisk.precedes)
        return files
    }
}

extension ObjectKey {
    /// The key up to its last `/` (empty for a key with none).
    var parent: ObjectKey {
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return ObjectKey(bytes: []) }
        return ObjectKey(bytes: Array(bytes[..<slash]))
    }
}
