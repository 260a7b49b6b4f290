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
        let descriptor = systemOpen(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (followingLinks ? 0 : O_NOFOLLOW))
        if descriptor < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return .failure(.notFound) }
            if !followingLinks && code == ELOOP { return .failure(.symbolicLink) }
            return .failure(.unreadable(String(cString: strerror(code))))
        }
        defer { close(descriptor) }
        return readOpened(descriptor, limit: limit)
    }

    /// Reads the whole of an open file: a regular file within `limit` bytes.
    private static func readOpened(_ descriptor: Int32, limit: Int) -> Result<[UInt8], Problem> {
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

    /// Like ``read(_:limit:followingLinks:)`` with `followingLinks: false`, for the file `name` in `folder`,
    /// opened by name: one lookup instead of one per component of its path.
    static func read(named name: String, in folder: DirectoryHandle, limit: Int) -> Result<[UInt8], Problem> {
        switch folder.openFile(named: name) {
        case .symbolicLink: return .failure(.symbolicLink)
        case .failed(let code):
            if code == ENOENT || code == ENOTDIR { return .failure(.notFound) }
            return .failure(.unreadable(String(cString: strerror(code))))
        case .descriptor(let descriptor):
            defer { close(descriptor) }
            return readOpened(descriptor, limit: limit)
        }
    }

    /// A regular file opened by name in its folder (never through a link), closed when let go.
    final class Opened {
        let descriptor: Int32
        fileprivate init(_ descriptor: Int32) { self.descriptor = descriptor }
        deinit { close(descriptor) }

        /// The whole file, within `limit` bytes.
        func readAll(limit: Int) -> Result<[UInt8], Problem> { RegularFile.readOpened(descriptor, limit: limit) }

        /// One of its extended attributes (see ``ExtendedAttributes``).
        func attribute(named name: String) -> String? { ExtendedAttributes.value(named: name, descriptor: descriptor) }
    }

    /// What opening a file by name in its folder found.
    enum FolderOpen {
        case opened(Opened)
        case notFound
        case folder
        /// A symbolic link, a file that is not regular, or an error other than "not found": left to the reading by
        /// path, which decides each with its own words.
        case undecided
    }

    /// Opens `name` in `folder` for reading, without blocking and without following a link.
    static func open(named name: String, in folder: DirectoryHandle) -> FolderOpen {
        switch folder.openFile(named: name) {
        case .symbolicLink: return .undecided
        case .failed(let code): return code == ENOENT || code == ENOTDIR ? .notFound : .undecided
        case .descriptor(let descriptor):
            var info = stat()
            guard fstat(descriptor, &info) == 0 else {
                close(descriptor)
                return .undecided
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG: return .opened(Opened(descriptor))
            case S_IFDIR:
                close(descriptor)
                return .folder
            default:
                close(descriptor)
                return .undecided
            }
        }
    }

    private static func systemOpen(_ path: String, _ flags: Int32) -> Int32 {
        #if canImport(Glibc)
        return Glibc.open(path, flags)
        #elseif canImport(Musl)
        return Musl.open(path, flags)
        #else
        return Darwin.open(path, flags)
        #endif
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
