#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a log file delivered around a gap for the records that may explain it, in bounded memory
/// whatever the file holds.
///
/// The file is inflated as a stream and searched for `cloudtrail.amazonaws.com` (and for `\u`,
/// the only escape that could spell it otherwise). A log without either cannot hold a CloudTrail
/// call, so it costs a read and no memory, however large. Only a log that may hold one is kept
/// (up to ``Limits/parsedSize`` inflated bytes) and parsed, keeping only the records `keep`
/// accepts: memory is then bounded by that size and ``Limits/valueCount``, not by the number of
/// records. Every limit that stops a read is returned as the reason, never skipped silently.
internal enum ExplanationLogReader {
    /// Why a log gave no records.
    struct Skip: Error, Equatable, Sendable {
        /// What stopped the read, in words, e.g. `a symbolic link, not followed`.
        var reason: String
    }

    struct Limits: Sendable {
        /// Bytes on disk.
        var fileSize: Int
        /// Inflated bytes searched (as a stream) for a CloudTrail call: a bound on time, not memory.
        var scannedSize: Int
        /// Inflated bytes kept and parsed, for a log that may hold a CloudTrail call.
        var parsedSize: Int
        /// JSON values kept while parsing: the records kept plus the one being read.
        var valueCount: Int
    }

    /// The bytes that a record of a CloudTrail call must contain, as written or through a `\u` escape.
    private static let markers: [[UInt8]] = [Array("cloudtrail.amazonaws.com".utf8), Array("\\u".utf8)]
    private static let chunkSize = 256 * 1024

    /// The elements of the log's `Records` array that `keep` accepts.
    static func records(inLogFile path: String, limits: Limits,
                        keep: (StrictJSON.Value) -> Bool) -> Result<[StrictJSON.Value], Skip> {
        // Not following a link, and not blocking on a named pipe: the type check follows.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW)
        if descriptor < 0 {
            let code = errno
            switch code {
            case ENOENT, ENOTDIR: return .failure(Skip(reason: "not found"))
            case ELOOP: return .failure(Skip(reason: "a symbolic link, not followed"))
            default: return .failure(Skip(reason: "cannot read: \(String(cString: strerror(code)))"))
            }
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            return .failure(Skip(reason: "cannot read: \(String(cString: strerror(errno)))"))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return .failure(Skip(reason: "not a regular file")) }
        guard Int(info.st_size) <= limits.fileSize else {
            return .failure(Skip(reason: "\(info.st_size) bytes on disk, over the \(limits.fileSize)-byte limit"))
        }

        var scanner = MarkerScanner(markers: markers)
        var kept: [UInt8] = []
        var total = 0
        var tooLargeToParse = false
        // Every inflated piece: searched, and kept while it fits the parse limit.
        func take(_ piece: UnsafeRawBufferPointer) -> Bool {
            total += piece.count
            guard total <= limits.scannedSize else { return false }
            scanner.scan(piece)
            if !tooLargeToParse {
                if kept.count + piece.count <= limits.parsedSize {
                    kept.append(contentsOf: piece)
                } else {
                    // Let go at once: this log is only searched from here on.
                    tooLargeToParse = true
                    kept = []
                }
            }
            return true
        }
        switch stream(descriptor, limits: limits, consume: take) {
        case .failure(let skip): return .failure(skip)
        case .success: break
        }
        guard scanner.found else { return .success([]) }
        guard !tooLargeToParse else {
            return .failure(Skip(reason: "inflates to more than \(limits.parsedSize) bytes, the limit for a log that may hold a CloudTrail call"))
        }
        let document: StrictJSON.Value
        do {
            document = try StrictJSON.parse(kept, maximumValueCount: limits.valueCount, keepingElementsOf: "Records", where: keep)
            // The records let go while parsing are freed: give their pages back (see FreedMemory).
            FreedMemory.release(after: kept.count)
        } catch {
            FreedMemory.release(after: kept.count)
            return .failure(Skip(reason: error.exceedsLimit ? "JSON over the reader's limit: \(error)" : "not valid JSON: \(error)"))
        }
        guard case .array(let records)? = document["Records"] else {
            return .failure(Skip(reason: "not a CloudTrail log: no Records array"))
        }
        return .success(records)
    }

    /// Feeds the file's content (inflated when it starts with the gzip magic) to `consume`, a piece at a time.
    /// `consume` returning `false` means the scan limit was passed.
    private static func stream(_ descriptor: Int32, limits: Limits,
                               consume: (UnsafeRawBufferPointer) -> Bool) -> Result<Void, Skip> {
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer {
            input.deallocate()
            output.deallocate()
        }
        let overScanLimit = Skip(reason: "inflates to more than \(limits.scannedSize) bytes, the limit for a log searched for explanations")
        var inflater: GzipInflater?
        var isFirst = true
        var gzipEnded = false
        while true {
            let count = readSome(descriptor, into: input)
            if count < 0 { return .failure(Skip(reason: "cannot read: \(String(cString: strerror(errno)))")) }
            if count == 0 { break }
            let piece = UnsafeRawBufferPointer(rebasing: input[0..<count])
            if isFirst {
                isFirst = false
                if count >= 2 && piece[0] == 0x1f && piece[1] == 0x8b {
                    // zlib, whatever the build's backend: its messages are the reference (see GzipInflater).
                    do { inflater = try GzipInflater(backend: .zlib) } catch {
                        return .failure(Skip(reason: "cannot inflate: \(error.message)"))
                    }
                }
            }
            guard let inflater else {
                guard consume(piece) else { return .failure(overScanLimit) }
                continue
            }
            do {
                switch try inflater.inflate(piece, into: output, consume: consume) {
                case .needsInput: continue
                case .stopped: return .failure(overScanLimit)
                case .finished:
                    // What follows the first member is not read, as when the log's hash is checked.
                    gzipEnded = true
                }
            } catch {
                return .failure(Skip(reason: "not a valid gzip file: \(error.message)"))
            }
            if gzipEnded { break }
        }
        if inflater != nil && !gzipEnded {
            return .failure(Skip(reason: "not a valid gzip file: gzip stream ends early"))
        }
        return .success(())
    }

    private static func readSome(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        while true {
            #if canImport(Glibc)
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            #elseif canImport(Musl)
            let count = Musl.read(descriptor, buffer.baseAddress, buffer.count)
            #else
            let count = Darwin.read(descriptor, buffer.baseAddress, buffer.count)
            #endif
            if count < 0 && errno == EINTR { continue }
            return count
        }
    }

    /// Finds any of a few byte strings in a stream of pieces, across the pieces' boundaries.
    struct MarkerScanner {
        let markers: [[UInt8]]
        private(set) var found = false
        /// The end of what was searched, shorter than the longest marker: a marker may straddle two pieces.
        private var tail: [UInt8] = []

        init(markers: [[UInt8]]) {
            self.markers = markers
        }

        mutating func scan(_ piece: UnsafeRawBufferPointer) {
            guard !found, !piece.isEmpty else { return }
            var window = tail
            window.append(contentsOf: piece)
            found = window.withUnsafeBytes { bytes in markers.contains { Self.contains(bytes, $0) } }
            let keep = (markers.map(\.count).max() ?? 1) - 1
            tail = Array(window.suffix(keep))
        }

        static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
            guard let first = needle.first, haystack.count >= needle.count else { return false }
            var index = 0
            let last = haystack.count - needle.count
            while index <= last {
                if haystack[index] == first {
                    var matched = 1
                    while matched < needle.count && haystack[index + matched] == needle[matched] { matched += 1 }
                    if matched == needle.count { return true }
                }
                index += 1
            }
            return false
        }
    }
}
