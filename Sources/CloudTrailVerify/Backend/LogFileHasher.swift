#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What reading one log file found: the raw material for a verdict.
internal enum LogFileDigestOutcome: Equatable, Sendable {
    /// A single gzip member; `sha256` is of its inflated bytes.
    case gzip(sha256: [UInt8])
    /// A gzip member followed by more bytes (another member, padding, or junk).
    case gzipWithTrailingData(sha256: [UInt8])
    /// The file does not start with the gzip magic; `sha256` is of its bytes as stored.
    case notGzip(sha256: [UInt8], isEmpty: Bool)
    /// The gzip stream is corrupt (bad deflate data, CRC or length check).
    case corrupt(String)
    /// The gzip stream stops before its end.
    case truncated
    /// No file at that path.
    case notFound
    /// The path exists but cannot be read as a file.
    case unreadable(String)
}

/// Gunzips a file while hashing it, in constant memory whatever its size.
///
/// One hasher owns its buffers and contexts; use one per concurrent task.
internal final class LogFileHasher {
    private let readBuffer: UnsafeMutableRawBufferPointer
    private let inflateBuffer: UnsafeMutableRawBufferPointer
    private let digest = MessageDigest(.sha256)
    /// The inflater library (zlib, or igzip in the `ISAL` build); see ``GzipInflater``.
    let backend: GzipInflater.Backend
    /// Bytes read from disk and bytes hashed by the last call, for progress reporting.
    private(set) var lastBytesRead = 0
    private(set) var lastBytesHashed = 0
    /// One inflater per backend, reset for each file rather than made again (see ``GzipInflater/reset()``).
    private var inflaters: [GzipInflater.Backend: GzipInflater] = [:]

    init(bufferSize: Int = 256 * 1024, backend: GzipInflater.Backend = GzipInflater.defaultBackend) {
        readBuffer = .allocate(byteCount: bufferSize, alignment: 16)
        inflateBuffer = .allocate(byteCount: bufferSize, alignment: 16)
        self.backend = backend
    }

    deinit {
        readBuffer.deallocate()
        inflateBuffer.deallocate()
    }

    func digest(path: String) -> LogFileDigestOutcome {
        lastBytesRead = 0
        lastBytesHashed = 0
        // Non-blocking open: a named pipe under a log's name must not stall the run (the type check follows).
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if descriptor < 0 { return Self.openFailure(errno) }
        defer { close(descriptor) }
        return digestCounting(descriptor)
    }

    /// Like ``digest(path:)``, for the file `name` in `folder`, opened by name; `nil` when that name is a
    /// symbolic link, which is not followed here: the caller checks where it leads and opens it by path.
    func digest(named name: String, in folder: DirectoryHandle) -> LogFileDigestOutcome? {
        lastBytesRead = 0
        lastBytesHashed = 0
        switch folder.openFile(named: name) {
        case .symbolicLink: return nil
        case .failed(let code): return Self.openFailure(code)
        case .descriptor(let descriptor):
            defer { close(descriptor) }
            return digestCounting(descriptor)
        }
    }

    private static func openFailure(_ code: Int32) -> LogFileDigestOutcome {
        if code == ENOENT || code == ENOTDIR { return .notFound }
        return .unreadable(String(cString: strerror(code)))
    }

    private func digestCounting(_ descriptor: Int32) -> LogFileDigestOutcome {
        var info = stat()
        if fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            return .unreadable("not a regular file")
        }
        digest.reset()

        let first = readSome(descriptor)
        guard case .bytes(var count) = first else { return first.outcome }
        if count == 0 {
            return .notGzip(sha256: digest.finalize(), isEmpty: true)
        }
        // A lone first byte cannot tell; read on until the magic can be checked.
        while count < 2 {
            let more = read(descriptor, readBuffer.baseAddress! + count, readBuffer.count - count)
            if more < 0 { return .unreadable(String(cString: strerror(errno))) }
            lastBytesRead += more
            if more == 0 { break }
            count += more
        }
        let isGzip = count >= 2 && readBuffer[0] == 0x1f && readBuffer[1] == 0x8b
        if !isGzip {
            return hashStored(descriptor, firstCount: count)
        }
        let outcome = gunzip(descriptor, firstCount: count, backend: backend)
        switch outcome {
        case .corrupt, .truncated: break
        default: return outcome
        }
        guard backend != .zlib else { return outcome }
        // zlib is the reference: a stream the faster backend rejects is decided again by zlib from the first
        // byte, so a corrupt or truncated log gets zlib's outcome and message whatever the build (igzip words
        // its errors differently and notices some before zlib would ask for more input). Such files are rare,
        // so reading them twice costs nothing in a normal bucket.
        guard lseek(descriptor, 0, SEEK_SET) == 0 else { return outcome }
        digest.reset()
        lastBytesRead = 0
        lastBytesHashed = 0
        guard case .bytes(let again) = readSome(descriptor), again > 0 else { return outcome }
        return gunzip(descriptor, firstCount: again, backend: .zlib)
    }

    /// Inflates and hashes a gzip file whose first `firstCount` bytes are in `readBuffer`.
    private func gunzip(_ descriptor: Int32, firstCount: Int, backend: GzipInflater.Backend) -> LogFileDigestOutcome {
        var count = firstCount
        let inflater: GzipInflater
        do { inflater = try reusableInflater(backend) } catch { return .unreadable(error.message) }
        let sink: (UnsafeRawBufferPointer) -> Bool = { [digest, unowned self] in
            digest.update($0)
            self.lastBytesHashed += $0.count
            return true
        }
        while true {
            let progress: GzipInflater.Progress
            do {
                progress = try inflater.inflate(
                    UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]), into: inflateBuffer, consume: sink)
            } catch {
                return .corrupt(error.message)
            }
            switch progress {
            case .stopped:
                return .unreadable("inflation stopped")
            case .finished(let unused):
                let hash = digest.finalize()
                if unused > 0 { return .gzipWithTrailingData(sha256: hash) }
                let after = readSome(descriptor)
                switch after {
                case .bytes(let more) where more > 0: return .gzipWithTrailingData(sha256: hash)
                case .bytes: return .gzip(sha256: hash)
                default: return after.outcome
                }
            case .needsInput:
                let next = readSome(descriptor)
                guard case .bytes(let more) = next else { return next.outcome }
                if more == 0 { return .truncated }
                count = more
            }
        }
    }

    /// This hasher's inflater for `backend`, ready for a new member.
    private func reusableInflater(_ backend: GzipInflater.Backend) throws(GzipInflater.Failure) -> GzipInflater {
        if let kept = inflaters[backend] {
            do {
                try kept.reset()
                return kept
            } catch {
                // A state that cannot be reset is dropped; a new one is made below.
                inflaters[backend] = nil
            }
        }
        let made = try GzipInflater(backend: backend)
        inflaters[backend] = made
        return made
    }

    private enum ReadResult {
        case bytes(Int)
        case failed(String)
        var outcome: LogFileDigestOutcome {
            switch self {
            case .bytes: return .truncated
            case .failed(let message): return .unreadable(message)
            }
        }
    }

    private func readSome(_ descriptor: Int32) -> ReadResult {
        while true {
            let count = read(descriptor, readBuffer.baseAddress, readBuffer.count)
            if count >= 0 { lastBytesRead += count; return .bytes(count) }
            if errno == EINTR { continue }
            return .failed(String(cString: strerror(errno)))
        }
    }

    private func hashStored(_ descriptor: Int32, firstCount: Int) -> LogFileDigestOutcome {
        digest.update(UnsafeRawBufferPointer(rebasing: readBuffer[0..<firstCount]))
        lastBytesHashed += firstCount
        while true {
            switch readSome(descriptor) {
            case .bytes(0): return .notGzip(sha256: digest.finalize(), isEmpty: false)
            case .bytes(let count):
                digest.update(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]))
                lastBytesHashed += count
            case .failed(let message): return .unreadable(message)
            }
        }
    }
}
