#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Lists every file below a folder with `opendir`/`readdir`, without following
/// symbolic links to folders (they could lead out of the bucket copy, or loop).
internal enum DirectoryWalker {
    /// The order entries of one folder are visited in. Findings must not depend on it;
    /// tests walk with `.shuffled` to prove that.
    enum Order: Sendable, Hashable {
        case asListed
        case shuffled(seed: UInt64)
    }

    struct Entry {
        /// Relative to the walked folder, `/`-separated.
        var relativePath: String
        /// A symbolic link (to a file, or to nothing); never descended into.
        var isSymbolicLink: Bool
    }

    struct Failure: Error {
        var path: String
        var message: String
    }

    /// Calls `visit` for every non-folder entry below `root`.
    ///
    /// An unreadable subfolder is a failure (a copy we cannot fully read cannot be
    /// vouched for); the caller decides what to do with it.
    /// `skipFolder` gets a folder's relative path and says whether to leave it out.
    static func walk(_ root: String, order: Order = .asListed, skipFolder: (String) -> Bool = { _ in false },
                     visit: (Entry) -> Void) throws(Failure) {
        var generator = SplitMix64(seed: { if case .shuffled(let seed) = order { return seed }; return 0 }())
        var pending: [String] = [""]
        while let relativeFolder = pending.popLast() {
            let folder = relativeFolder.isEmpty ? root : root + "/" + relativeFolder
            guard let handle = opendir(folder) else {
                throw Failure(path: folder, message: String(cString: strerror(errno)))
            }
            var names: [(String, UInt8)] = []
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                names.append((name, entry.pointee.d_type))
            }
            closedir(handle)
            // Sorted, so output that follows the listing (coverage findings) is the same on every machine.
            names.sort { $0.0 < $1.0 }
            if case .shuffled = order { names.shuffle(using: &generator) }
            var subfolders: [String] = []
            for (name, type) in names {
                let relative = relativeFolder.isEmpty ? name : relativeFolder + "/" + name
                var kind = type
                if kind == UInt8(DT_UNKNOWN) {
                    // Some file systems do not fill d_type; ask without following links.
                    var info = stat()
                    guard lstat(root + "/" + relative, &info) == 0 else { continue }
                    switch info.st_mode & S_IFMT {
                    case S_IFDIR: kind = UInt8(DT_DIR)
                    case S_IFLNK: kind = UInt8(DT_LNK)
                    default: kind = UInt8(DT_REG)
                    }
                }
                if kind == UInt8(DT_DIR) {
                    if !skipFolder(relative) { subfolders.append(relative) }
                } else {
                    visit(Entry(relativePath: relative, isSymbolicLink: kind == UInt8(DT_LNK)))
                }
            }
            // Depth first; reversed so that with `.asListed` folders are entered in listing order.
            pending.append(contentsOf: subfolders.reversed())
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
