#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Lists every entry below a folder with `opendir`/`readdir`, without following
/// symbolic links to folders (they could lead out of the bucket copy, or loop).
///
/// Names are bytes: a name that is not UTF-8 is listed like any other. A folder that
/// cannot be opened is reported to the caller and the walk goes on: nothing ends a scan.
internal enum DirectoryWalker {
    /// The order entries of one folder are visited in. Findings must not depend on it;
    /// tests walk with `.shuffled` to prove that.
    enum Order: Sendable, Hashable {
        case asListed
        case shuffled(seed: UInt64)
    }

    /// What an entry is, as `lstat` would say (links are not followed).
    enum Kind: Sendable, Hashable {
        case regular
        /// A symbolic link (to a file, a folder, or nothing); never descended into.
        case symbolicLink
        case namedPipe
        case socket
        case device
        /// A folder that the caller chose not to enter (`skipFolder`).
        case skippedFolder

        var name: String {
            switch self {
            case .regular: return "regular file"
            case .symbolicLink: return "symbolic link"
            case .namedPipe: return "named pipe"
            case .socket: return "socket"
            case .device: return "device"
            case .skippedFolder: return "folder"
            }
        }
    }

    struct Entry {
        /// Relative to the walked folder, `/`-separated, as bytes.
        var relative: ObjectKey
        var kind: Kind

        /// The relative path as text; `nil` when it is not valid UTF-8 (such a name is never a CloudTrail key).
        var relativePath: String? { relative.string }
        var isSymbolicLink: Bool { kind == .symbolicLink }
    }

    /// A folder that could not be opened or listed.
    struct Failure: Error {
        /// Relative to the walked folder (empty for the folder itself).
        var relative: ObjectKey
        var path: String
        var message: String
    }

    /// Calls `visit` for every entry below `root` that is not a folder it enters, and
    /// `unreadable` for every folder it cannot open (the walk goes on with the rest).
    ///
    /// `skipFolder` gets a folder's relative path (bytes) and says whether to leave it out;
    /// a skipped folder is visited as an entry of kind ``Kind/skippedFolder``.
    static func walk(_ root: String, order: Order = .asListed, skipFolder: (ObjectKey) -> Bool = { _ in false },
                     unreadable: (Failure) -> Void, visit: (Entry) -> Void) {
        var generator = SplitMix64(seed: { if case .shuffled(let seed) = order { return seed }; return 0 }())
        var pending: [[UInt8]] = [[]]
        let rootBytes = Array(root.utf8)
        while let relativeFolder = pending.popLast() {
            let folder = relativeFolder.isEmpty ? rootBytes : rootBytes + [UInt8(ascii: "/")] + relativeFolder
            let handle = withCPath(folder) { opendir($0) }
            guard let handle else {
                let message = String(cString: strerror(errno))
                unreadable(Failure(relative: ObjectKey(bytes: relativeFolder), path: ObjectKey.display(folder), message: message))
                continue
            }
            var names: [([UInt8], UInt8)] = []
            var listingError: Int32 = 0
            while true {
                // readdir says "end" and "error" the same way, but only an error sets errno.
                errno = 0
                guard let entry = readdir(handle) else {
                    listingError = errno
                    break
                }
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
                if name == [0x2E] || name == [0x2E, 0x2E] { continue }
                names.append((name, entry.pointee.d_type))
            }
            closedir(handle)
            if listingError != 0 {
                // What was listed is still visited; the folder is reported as not fully readable.
                unreadable(Failure(relative: ObjectKey(bytes: relativeFolder), path: ObjectKey.display(folder),
                                   message: String(cString: strerror(listingError))))
            }
            // Sorted by bytes, so output that follows the listing is the same on every machine.
            names.sort { ByteWise.precedes($0.0, $1.0) }
            if case .shuffled = order { names.shuffle(using: &generator) }
            var subfolders: [[UInt8]] = []
            for (name, type) in names {
                let relative = relativeFolder.isEmpty ? name : relativeFolder + [UInt8(ascii: "/")] + name
                var kind = type
                if kind == UInt8(DT_UNKNOWN) {
                    // Some file systems do not fill d_type; ask without following links.
                    var info = stat()
                    let status = withCPath(rootBytes + [UInt8(ascii: "/")] + relative) { lstat($0, &info) }
                    if status != 0 {
                        // Gone since it was listed, or unreadable: still an entry, reported by the caller.
                        visit(Entry(relative: ObjectKey(bytes: relative), kind: .regular))
                        continue
                    }
                    switch info.st_mode & S_IFMT {
                    case S_IFDIR: kind = UInt8(DT_DIR)
                    case S_IFLNK: kind = UInt8(DT_LNK)
                    case S_IFIFO: kind = UInt8(DT_FIFO)
                    case S_IFSOCK: kind = UInt8(DT_SOCK)
                    case S_IFCHR: kind = UInt8(DT_CHR)
                    case S_IFBLK: kind = UInt8(DT_BLK)
                    default: kind = UInt8(DT_REG)
                    }
                }
                switch kind {
                case UInt8(DT_DIR):
                    if skipFolder(ObjectKey(bytes: relative)) {
                        visit(Entry(relative: ObjectKey(bytes: relative), kind: .skippedFolder))
                    } else {
                        subfolders.append(relative)
                    }
                case UInt8(DT_LNK): visit(Entry(relative: ObjectKey(bytes: relative), kind: .symbolicLink))
                case UInt8(DT_FIFO): visit(Entry(relative: ObjectKey(bytes: relative), kind: .namedPipe))
                case UInt8(DT_SOCK): visit(Entry(relative: ObjectKey(bytes: relative), kind: .socket))
                case UInt8(DT_CHR), UInt8(DT_BLK): visit(Entry(relative: ObjectKey(bytes: relative), kind: .device))
                default: visit(Entry(relative: ObjectKey(bytes: relative), kind: .regular))
                }
            }
            // Depth first; reversed so that with `.asListed` folders are entered in listing order.
            pending.append(contentsOf: subfolders.reversed())
        }
    }

    /// Calls `body` with `path` as a NUL-terminated C string (the bytes as they are, UTF-8 or not).
    static func withCPath<R>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        var terminated = path
        terminated.append(0)
        return terminated.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { body($0) }
        }
    }

    /// A small seeded generator, so a shuffled walk can be repeated.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
