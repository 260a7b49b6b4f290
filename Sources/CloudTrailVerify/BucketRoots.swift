import Foundation

/// Where each bucket's local copy lives, and how an object key maps to a path in it.
public struct BucketRoots: Sendable {
    /// Bucket name → folder.
    public private(set) var folders: [String: String]

    public init(_ folders: [String: String]) {
        self.folders = folders.mapValues { Self.normalize($0) }
    }

    static func normalize(_ path: String) -> String {
        var path = path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }

    /// Why a location has no local path.
    public enum Unresolvable: Error, Sendable, Hashable {
        /// No folder was given for this bucket.
        case unknownBucket(String)
        /// The key would leave the bucket's folder (`..`, an absolute path, an empty segment).
        case unsafeKey(String)
    }

    /// The local path of `location`.
    ///
    /// Keys come from files an attacker may have written, so a key that could
    /// climb out of the bucket's folder is refused rather than resolved.
    public func path(for location: S3Location) -> Result<String, Unresolvable> {
        guard let folder = folders[location.bucket] else { return .failure(.unknownBucket(location.bucket)) }
        let key = location.key
        let segments = key.split(separator: "/", omittingEmptySubsequences: false)
        guard !key.isEmpty, !key.hasPrefix("/"), !key.contains("\0"),
              segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            return .failure(.unsafeKey(key))
        }
        return .success(folder + "/" + key)
    }
}
