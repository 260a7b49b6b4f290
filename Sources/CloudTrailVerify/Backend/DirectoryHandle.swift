internal import CCloudTrailSystem
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A folder held open, so that files in it are opened by name (`openat`) instead of by a full path.
///
/// A bucket of many small logs opens a million files in a few thousand day folders. Opened by full path,
/// the kernel looks up every component of every path (a dozen per log); opened from the folder, one.
/// The descriptor is closed when the last user lets the handle go.
internal final class DirectoryHandle: Sendable {
    /// `O_PATH` descriptor of the folder, or -1 when it could not be opened (then files are opened by path).
    let descriptor: Int32

    /// Opens `path`, a folder whose links were already resolved.
    init(resolvedPath path: String) {
        // Under a very low open-file limit no folder is held: files are opened by path, as before.
        descriptor = Self.maximumHeld >= 16 ? ct_open_folder(path) : -1
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// How many folders may be held open at once: 256, or a quarter of the open-file limit when that is lower,
    /// so that held folders never leave the hashing without a descriptor (it would report the log unreadable).
    static let maximumHeld: Int = {
        let limit = ct_open_file_limit()
        return limit < 0 ? 256 : max(0, min(256, Int(limit) / 4))
    }()

    /// What opening a file in the folder gave.
    enum Opened {
        case descriptor(Int32)
        /// The name is a symbolic link: not followed here (the caller resolves and checks it).
        case symbolicLink
        /// `errno` of the failed open.
        case failed(Int32)
    }

    /// Opens `name` (one path component) for reading, without blocking and without following a link.
    func openFile(named name: String) -> Opened {
        let fd = openat(descriptor, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW)
        if fd >= 0 { return .descriptor(fd) }
        let code = errno
        return code == ELOOP ? .symbolicLink : .failed(code)
    }
}
