#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads small whole files (digests, sidecars, key files) that may be hostile.
///
/// Opens without blocking, so a named pipe planted under a digest's name cannot
/// stall the run, and refuses anything but a regular file or anything over `limit`
/// before reading a byte. With `followingLinks: false` a symbolic link in the last
/// path component is refused, not followed.
internal enum RegularFile {
    enum Problem: Error, Equatable {
        case notFound
        case notRegular
        /// The last path component is a symbolic link and links were not to be followed.
        case symbolicLink
        case tooLarge(Int)
        case unreadable(String)

        var message: String {
            switch self {
            case .notFound: return "not found"
            case .notRegular: return "not a regular file"
            case .symbolicLink: return "a symbolic link, not followed"
            case .tooLarge(let size): return "\(size) bytes, over the size limit"
            case .unreadable(let why): return "cannot read: \(why)"
            }
        }
    }

    static func read(_ path: String, limit: Int, followingLinks: Bool = true) -> Result<[UInt8], Problem> {
        // O_NOFOLLOW makes the open itself refuse a link (ELOOP), so no link can be swapped in
        // between a check and the open.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (followingLinks ? 0 : O_NOFOLLOW))
        if descriptor < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return .failure(.notFound) }
            if !followingLinks && code == ELOOP { return .failure(.symbolicLink) }
            return .failure(.unreadable(String(cString: strerror(code))))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(.unreadable(String(cString: strerror(errno)))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return .failure(.notRegular) }
        let size = Int(info.st_size)
        guard size <= limit else { return .failure(.tooLarge(size)) }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let count = bytes.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress! + filled, size - filled) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(.unreadable(String(cString: strerror(errno))))
            }
            if count == 0 { break }  // the file shrank while we read it
            filled += count
        }
        return .success(Array(bytes.prefix(filled)))
    }

    private static func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.read(descriptor, buffer, count)
        #elseif canImport(Musl)
        return Musl.read(descriptor, buffer, count)
        #else
        return Darwin.read(descriptor, buffer, count)
        #endif
    }

    /// Whether `path` is a regular file (links followed), without opening it.
    static func isRegular(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}
