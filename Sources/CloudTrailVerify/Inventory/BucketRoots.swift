import Foundation
import Synchronization

/// Where each bucket's local copy lives, and how an object key maps to a path in it.
///
/// Keys come from files an attacker may have written (`previousDigestS3Object`,
/// `logFiles[].s3Object`), so a key that could lead out of the bucket's folder is
/// refused, never opened: see ``path(for:)``.
struct BucketRoots: Sendable {
    /// Bucket name → folder.
    private(set) var folders: [String: String]
    /// Bucket name (its bytes) → the folder, and the folder with every symbolic link resolved, for
    /// containment checks. Keyed by bytes: a bucket name from a digest must match exactly.
    private var byName: [ObjectKey: (folder: String, resolved: String)]
    /// Folder → the same folder with its links resolved: thousands of logs share a day folder,
    /// and resolving it once saves a `readlink` per path component per log.
    private let resolvedParents = ResolvedFolderCache()

    final class ResolvedFolderCache: Sendable {
        // Keyed by the path's bytes: two folder names that are canonically equivalent but different bytes
        // (one of them a link leading out) must never share an entry.
        private let entries = Mutex<[FolderKey: ResolvedFolder?]>([:])
        /// Entries kept at most: each holds its folder open. CloudTrail puts one region's day in a folder and
        /// the walk goes through them in order, so a few hundred is plenty; more are resolved again. Never more
        /// than a quarter of the process's open-file limit (``DirectoryHandle/maximumHeld``); under a limit so
        /// low that no folder is held open, 256.
        static let capacity = DirectoryHandle.maximumHeld >= 16 ? DirectoryHandle.maximumHeld : 256

        /// A folder's path, hashed and compared as bytes, without copying them (this runs for every log).
        private struct FolderKey: Hashable {
            let path: String
            static func == (lhs: FolderKey, rhs: FolderKey) -> Bool { ByteWise.equal(lhs.path, rhs.path) }
            func hash(into hasher: inout Hasher) { ByteWise.hash(path, into: &hasher) }
        }

        func resolve(_ folder: String) -> ResolvedFolder? {
            let key = FolderKey(path: folder)
            if let cached = entries.withLock({ $0[key] }) { return cached }
            let resolved = BucketRoots.realPath(folder).map(ResolvedFolder.init)
            entries.withLock { cache in
                // Bounded: open folders are descriptors, and a hostile bucket could have many folders.
                if cache.count >= Self.capacity { cache.removeAll(keepingCapacity: true) }
                cache[key] = .some(resolved)
            }
            return resolved
        }
    }

    /// A folder with every link on its path resolved, held open for opening files in it by name.
    final class ResolvedFolder: Sendable {
        let resolved: String
        let handle: DirectoryHandle

        init(_ resolved: String) {
            self.resolved = resolved
            handle = DirectoryHandle(resolvedPath: resolved)
        }
    }

    init(_ folders: [String: String]) {
        self.folders = folders.mapValues { Self.normalize($0) }
        var byName: [ObjectKey: (folder: String, resolved: String)] = [:]
        for (name, folder) in self.folders { byName[ObjectKey(name)] = (folder, Self.realPath(folder) ?? folder) }
        self.byName = byName
    }

    static func normalize(_ path: String) -> String {
        var path = path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The folder of a bucket, by the name's bytes. A run names one bucket or a few: those are compared in
    /// place, with no key built for the lookup (this runs for every log file).
    private func folder(ofBucket name: String) -> (folder: String, resolved: String)? {
        if byName.count <= 8 {
            for (key, value) in byName where key.bytes.count == name.utf8.count {
                let same = key.bytes.withUnsafeBufferPointer { keyBytes in
                    var name = name
                    return name.withUTF8 { ByteWise.equal(keyBytes, $0) }
                }
                if same { return value }
            }
            return nil
        }
        return byName[ObjectKey(name)]
    }

    /// Why a location has no usable local path.
    enum Unresolvable: Error, Sendable, Hashable {
        /// No folder was given for this bucket.
        case unknownBucket(String)
        /// The key would leave the bucket's folder; the text says how.
        case unsafeKey(key: String, why: String)
    }

    /// Whether a key is safe to join below a folder: relative, no `.`/`..`/empty segment,
    /// no NUL, and no percent-encoded dot or slash that some tool might decode later.
    static func keyProblem(_ key: String) -> String? {
        // One pass over the bytes, through a pointer: this runs for every log file.
        var key = key
        return key.withUTF8 { bytes in
            if bytes.isEmpty { return "empty key" }
            if bytes[0] == UInt8(ascii: "/") { return "absolute key" }
            var segmentStart = 0
            // The last three bytes, lower-cased, for spotting %2e, %2f and %5c without allocating.
            var (third, second, last): (UInt8, UInt8, UInt8) = (0, 0, 0)
            var index = 0
            while true {
                let atEnd = index == bytes.count
                let byte = atEnd ? UInt8(ascii: "/") : bytes[index]
                switch byte {
                case 0: return "NUL in key"
                case UInt8(ascii: "\\"): return "backslash in key"
                case UInt8(ascii: "/"):
                    let length = index - segmentStart
                    if length == 0 { return "empty path segment in key" }
                    if length <= 2, UnsafeBufferPointer(rebasing: bytes[segmentStart..<index]).allSatisfy({ $0 == UInt8(ascii: ".") }) {
                        return "'\(String(decoding: UnsafeBufferPointer(rebasing: bytes[segmentStart..<index]), as: UTF8.self))' segment in key"
                    }
                    if !atEnd { segmentStart = index + 1 }
                default: break
                }
                (third, second, last) = (second, last, byte | (byte >= 0x41 && byte <= 0x5a ? 0x20 : 0))
                if third == UInt8(ascii: "%"),
                   (second == UInt8(ascii: "2") && (last == UInt8(ascii: "e") || last == UInt8(ascii: "f")))
                    || (second == UInt8(ascii: "5") && last == UInt8(ascii: "c")) {
                    return "percent-encoded dot or slash in key"
                }
                if atEnd { return nil }
                index += 1
            }
        }
    }

    /// Where a file is: its path, and the folder holding it (held open) with its name in that folder.
    struct Place {
        /// The bucket's folder.
        var root: String
        /// The object key.
        var key: String
        /// The path as the bucket's folder plus the key: for a fallback open and for messages (made when asked:
        /// a log opened in its folder never needs it).
        var path: String { root + "/" + key }
        /// The file's folder, inside the bucket's folder; `nil` when it does not exist.
        var folder: ResolvedFolder?
        /// The last component of the key.
        var name: String
    }

    /// Where `location` is, or why it has no usable local path; the last component is not looked at.
    ///
    /// The folder is resolved (every link on its path) and must lie inside the bucket's folder. The file
    /// itself may still be a symbolic link: open it with ``DirectoryHandle/openFile(named:)``, which refuses
    /// one, and check a link with ``path(for:)``.
    func place(for location: S3Location) -> Result<Place, Unresolvable> {
        guard let (folder, resolvedFolder) = folder(ofBucket: location.bucket) else {
            return .failure(.unknownBucket(location.bucket))
        }
        if let problem = Self.keyProblem(location.key) {
            return .failure(.unsafeKey(key: location.key, why: problem))
        }
        // An ASCII key has one character per byte (and no `/` inside `\r\n`): its last `/` is found on the bytes,
        // in one pass through a pointer.
        var keyText = location.key
        let lastSlash: Int?? = keyText.withUTF8 { bytes in
            var last: Int?
            for (offset, byte) in bytes.enumerated() {
                if byte >= 0x80 { return nil }
                if byte == UInt8(ascii: "/") { last = offset }
            }
            return .some(last)
        }
        let slash = lastSlash.map { $0.map { location.key.utf8.index(location.key.utf8.startIndex, offsetBy: $0) } }
            ?? location.key.lastIndex(of: "/")
        let parent = slash.map { folder + "/" + location.key[..<$0] } ?? folder
        let name = slash.map { String(location.key[location.key.index(after: $0)...]) } ?? location.key
        guard let resolvedParent = resolvedParents.resolve(parent) else {
            // The folder does not exist (the file will not be found), or a link in it dangles.
            return Self.isDanglingLink(parent) ? .failure(.unsafeKey(key: location.key, why: "a symbolic link leads to nothing"))
                                               : .success(Place(root: folder, key: location.key, folder: nil, name: name))
        }
        guard Self.isWithin(resolvedParent.resolved, resolvedFolder) else {
            return .failure(.unsafeKey(key: location.key, why: "a symbolic link leads outside the bucket copy, to \(resolvedParent.resolved)/\(name)"))
        }
        return .success(Place(root: folder, key: location.key, folder: resolvedParent, name: name))
    }

    /// The local path of `location`, or why there is none.
    ///
    /// When the path exists, every symbolic link on it is resolved and the result
    /// must still lie inside the bucket's folder. A path that does not exist is
    /// returned as is: opening it finds nothing, which is the "not found" verdict.
    func path(for location: S3Location) -> Result<String, Unresolvable> {
        let place: Place
        switch self.place(for: location) {
        case .failure(let why): return .failure(why)
        case .success(let found): place = found
        }
        // The folder is resolved and inside (cached); look at the last component alone: a link
        // there is resolved in full; a plain file is inside whenever its folder is.
        guard let resolvedParent = place.folder, let (_, resolvedFolder) = folder(ofBucket: location.bucket) else {
            return .success(place.path)
        }
        let path = place.path
        var info = stat()
        guard lstat(resolvedParent.resolved + "/" + place.name, &info) == 0 else { return .success(path) }
        guard (info.st_mode & S_IFMT) == S_IFLNK else { return .success(path) }
        if let resolved = Self.realPath(path) {
            guard Self.isWithin(resolved, resolvedFolder), resolved.utf8.count > resolvedFolder.utf8.count else {
                return .failure(.unsafeKey(key: location.key, why: "a symbolic link leads outside the bucket copy, to \(resolved)"))
            }
        } else if Self.isDanglingLink(path) {
            return .failure(.unsafeKey(key: location.key, why: "a symbolic link leads to nothing"))
        }
        return .success(path)
    }

    /// Whether `path`, with every link resolved, is `root` or lies inside it. A folder the
    /// validator opens by a path it built (a log folder, a day folder) must pass this first:
    /// the walker's no-links rule only covers what it finds inside a folder.
    static func isContained(_ path: String, in root: String) -> Bool {
        guard let resolvedRoot = realPath(root), let resolved = realPath(path) else { return false }
        return isWithin(resolved, resolvedRoot)
    }

    /// Whether the resolved path `path` is the resolved folder `folder` or lies below it.
    /// Bytes, not characters: Swift's String comparison treats canonically equivalent spellings
    /// (é and e + U+0301) as equal, and the file system does not.
    static func isWithin(_ path: String, _ folder: String) -> Bool {
        // One memcmp of the folder's bytes, then the byte after them: this runs for every file opened.
        var path = path
        var folder = folder
        return path.withUTF8 { pathBytes in
            folder.withUTF8 { folderBytes in
                guard pathBytes.count >= folderBytes.count,
                      ByteWise.equal(UnsafeBufferPointer(rebasing: pathBytes[..<folderBytes.count]), folderBytes) else { return false }
                return pathBytes.count == folderBytes.count || pathBytes[folderBytes.count] == UInt8(ascii: "/")
            }
        }
    }

    private static func isDanglingLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }
}
