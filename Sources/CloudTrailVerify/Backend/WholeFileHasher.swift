#if CLOUDTRAIL_LIBDEFLATE
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a small log file whole and gunzips it with libdeflate (``LogFileHasher``'s fast path in the
/// `LIBDEFLATE` build).
///
/// Memory stays bounded: a file is taken only when it is at most ``inputLimit`` bytes and its trailer says it
/// inflates to at most ``outputLimit`` bytes; the two buffers grow to the largest file taken and are kept for
/// the next. Everything else, and every member ``LibdeflateInflater`` declines, is left to the streaming path,
/// which starts again from the file's first byte.
internal final class WholeFileHasher {
    /// The largest file read whole: 1 MiB, about 9 MiB of JSON at CloudTrail's usual ratio.
    static let inputLimit = 1 << 20
    /// The largest inflated size taken: 8 MiB. With ``inputLimit`` this bounds the fast path to 9 MiB per job.
    static let outputLimit = 8 << 20

    private var input = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    private var output = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    private let inflater: LibdeflateInflater

    init() throws(GzipInflater.Failure) {
        inflater = try LibdeflateInflater()
    }

    deinit {
        input.deallocate()
        output.deallocate()
    }

    /// What reading one file whole gave.
    enum Result {
        /// The verdict's raw material, final.
        case decided(LogFileDigestOutcome)
        /// Left to the streaming path; `digest` may hold part of the output and must be reset.
        case declined
    }

    /// Reads the `size`-byte file open on `descriptor` (at offset 0) and hashes it: its inflated bytes when it is
    /// gzip, its stored bytes when it is not. `bytesRead` and `bytesHashed` count the bytes for progress reporting.
    func digest(
        _ descriptor: Int32, size: Int, into digest: MessageDigest, bytesRead: inout Int, bytesHashed: inout Int
    ) -> Result {
        guard size <= Self.inputLimit else { return .declined }
        // One byte of room past the size fstat gave: a file that grew since is seen, and left to streaming.
        Self.reserve(&input, size + 1)
        var count = 0
        while count < input.count {
            let got = read(descriptor, input.baseAddress! + count, input.count - count)
            if got < 0 {
                if errno == EINTR { continue }
                return .decided(.unreadable(String(cString: strerror(errno))))
            }
            if got == 0 { break }
            count += got
            bytesRead += got
        }
        guard count < input.count else { return .declined }
        let bytes = UnsafeRawBufferPointer(rebasing: input[0..<count])
        guard count >= 2, bytes[0] == 0x1f, bytes[1] == 0x8b else {
            // Not gzip (or emptied since fstat): the verdict is on the stored bytes, as the streaming path has it.
            digest.update(bytes)
            bytesHashed += count
            return .decided(.notGzip(sha256: digest.finalize(), isEmpty: count == 0))
        }
        // The last 4 bytes are ISIZE when the file is one member: the room to ask for. When they are not (trailing
        // data, or a member over 4 GiB), libdeflate runs out of room or the trailer check fails, and it streams.
        let expected = count >= 4 ? Int(bytes.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self).littleEndian) : 0
        guard expected <= Self.outputLimit else { return .declined }
        Self.reserve(&output, max(expected, 1))
        let outcome = inflater.inflate(bytes, into: output) { piece in
            digest.update(piece)
            bytesHashed += piece.count
        }
        switch outcome {
        case .declined:
            return .declined
        case .inflated(_, let memberLength):
            let sha256 = digest.finalize()
            return .decided(memberLength < count ? .gzipWithTrailingData(sha256: sha256) : .gzip(sha256: sha256))
        }
    }

    /// Grows `buffer` to at least `count` bytes, in 64 KiB steps so that similar files reuse it as it is.
    private static func reserve(_ buffer: inout UnsafeMutableRawBufferPointer, _ count: Int) {
        guard buffer.count < count else { return }
        buffer.deallocate()
        let rounded = (count + 0xffff) & ~0xffff
        buffer = .allocate(byteCount: rounded, alignment: 64)
    }
}
#endif
