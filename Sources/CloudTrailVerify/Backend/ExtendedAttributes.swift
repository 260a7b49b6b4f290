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
        read(limit: limit) { buffer in
            #if canImport(Darwin)
            return getxattr(path, name, buffer.baseAddress, buffer.count, 0, XATTR_NOFOLLOW)
            #else
            return lgetxattr(path, name, buffer.baseAddress, buffer.count)
            #endif
        }
    }

    /// The attribute of an open file (``RegularFile/Opened``, never a link).
    static func value(named name: String, descriptor: Int32, limit: Int = 64 * 1024) -> String? {
        read(limit: limit) { buffer in
            #if canImport(Darwin)
            return fgetxattr(descriptor, name, buffer.baseAddress, buffer.count, 0, 0)
            #else
            return fgetxattr(descriptor, name, buffer.baseAddress, buffer.count)
            #endif
        }
    }

    /// Calls `get` with a growing buffer until the value fits (or passes `limit`).
    private static func read(limit: Int, _ get: (UnsafeMutableRawBufferPointer) -> Int) -> String? {
        var size = 4096
        while true {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 1)
            defer { buffer.deallocate() }
            let count = get(buffer)
            if count >= 0 { return String(decoding: UnsafeRawBufferPointer(rebasing: buffer[..<count]), as: UTF8.self) }
            guard errno == ERANGE, size < limit else { return nil }
            size = min(size * 4, limit)
        }
    }
}
