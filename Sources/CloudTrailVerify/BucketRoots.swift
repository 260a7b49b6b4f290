import Foundation

/// Where each bucket's local copy lives, and how an object key maps to a path in it.
///
/// Keys come from files an attacker may have written (`previousDigestS3Object`,
/// `logFiles[].s3Object`), so a key that could lead out of the bucket's folder is
/// refused, never opened: see ``path(for:)``.
public struct BucketRoots: Sendable {
    /// Bucket name → folder.
    public private(set) var folders: [String: String]
    /// Bucket name → the folder with every symbolic link resolved, for containment checks.
    private var resolvedFolders: [String: String]

    public init(_ folders: [String: String]) {
        self.folders = folders.mapValues { Self.normalize($0) }
        self.resolvedFolders = self.folders.mapValues { Self.realPath($0) ?? $0 }
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

    /// Why a location has no usable local path.
    public enum Unresolvable: Error, Sendable, Hashable {
        /// No folder was given for this bucket.
        case unknownBucket(String)
        /// The key would leave the bucket's folder; the text says how.
        case unsafeKey(key: String, why: String)
    }

    /// Whether a key is safe to join below a folder: relative, no `.`/`..`/empty segment,
    /// no NUL, and no percent-encoded dot or slash that some tool might decode later.
    static func keyProblem(_ key: String) -> String? {
        if key.isEmpty { return "empty key" }
        if key.hasPrefix("/") { return "absolute key" }
        if key.utf8.contains(0) { return "NUL in key" }
        let lowered = key.lowercased()
        if lowered.contains("%2e") || lowered.contains("%2f") || lowered.contains("%5c") {
            return "percent-encoded dot or slash in key"
        }
        if key.contains("\\") { return "backslash in key" }
        for segment in key.split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty { return "empty path segment in key" }
            if segment == "." || segment == ".." { return "'\(segment)' segment in key" }
        }
        return nil
    }

    /// The local path of `location`, or why there is none.
    ///
    /// When the path exists, every symbolic link on it is resolved and the result
    /// must still lie inside the bucket's folder. A path that does not exist is
    /// returned as is: opening it finds nothing, which is the "not found" verdict.
    public func path(for location: S3Location) -> Result<String, Unresolvable> {
        guard let folder = folders[location.bucket], let resolvedFolder = resolvedFolders[location.bucket] else {
            return .failure(.unknownBucket(location.bucket))
        }
        if let problem = Self.keyProblem(location.key) {
            return .failure(.unsafeKey(key: location.key, why: problem))
        }
        let path = folder + "/" + location.key
        if let resolved = Self.realPath(path) {
            // Bytes, not characters: Swift's String comparison treats canonically equivalent
            // spellings (é and e + U+0301) as equal, and the file system does not.
            guard resolved.utf8.starts(with: (resolvedFolder + "/").utf8) else {
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
        return resolved.utf8.elementsEqual(resolvedRoot.utf8) || resolved.utf8.starts(with: (resolvedRoot + "/").utf8)
    }

    private static func isDanglingLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }
}
