internal import CCloudTrailSystem
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads extended attributes, where `rclone copy --metadata` keeps S3 object metadata.
///
/// Never through a symbolic link: a link in the last path component has its own attributes
/// read (on Linux a link cannot carry `user.` attributes, so it has none), never its target's.
internal enum ExtendedAttributes {
    /// The attribute's value as text, or `nil` when the file has no such attribute
    /// (or the file system keeps none). A symbolic link at `path` is not followed.
    static func value(named name: String, path: String, limit: Int = 64 * 1024) -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            #if canImport(Darwin)
            let count = getxattr(path, name, &buffer, buffer.count, 0, XATTR_NOFOLLOW)
            #else
            let count = lgetxattr(path, name, &buffer, buffer.count)
            #endif
            if count >= 0 { return String(decoding: buffer.prefix(count), as: UTF8.self) }
            guard errno == ERANGE, buffer.count < limit else { return nil }
            buffer = [UInt8](repeating: 0, count: min(buffer.count * 4, limit))
        }
    }
}
