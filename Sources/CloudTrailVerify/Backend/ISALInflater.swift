#if CLOUDTRAIL_ISAL
internal import CCloudTrailISAL

/// Streaming gunzip of exactly one gzip member through ISA-L's igzip (`isal_inflate`), held to zlib's behaviour.
///
/// Only built with the `ISAL` package trait. igzip decodes just the deflate data: `crc_flag = ISAL_GZIP_NO_HDR`
/// makes it keep the CRC-32 of what it wrote in `state.crc` and check nothing. The gzip header
/// (``GzipHeaderReader``) and the 8-byte trailer are read here, with zlib's rules and messages, because igzip
/// 2.30's own gzip mode (`ISAL_GZIP`) differs from zlib:
/// - it ignores the reserved flag bits, which zlib refuses ("unknown header flags set");
/// - it keeps the header's flags in a local variable of `isal_inflate`, so a header cut between two calls
///   loses them: fed 1 or 5 bytes at a time, a valid FNAME + FHCRC header is refused and one with a wrong header
///   CRC is accepted (measured with libisal 2.30);
/// - one code, `ISAL_INCORRECT_CHECKSUM`, stands for a wrong CRC-32, a wrong ISIZE and a wrong header CRC;
/// - it checks the trailer only once all 8 bytes are there, where zlib reports a wrong CRC-32 as soon as its
///   4 bytes are (a stream cut inside ISIZE is "incorrect data check" for zlib, not "more input").
///
/// igzip reads its input ahead into a 64-bit bit buffer (`read_in`, `read_in_length` bits), so when the deflate
/// data ends it has already taken up to 8 bytes past them from `next_in`. After the padding bits of the last
/// deflate byte (`read_in_length % 8`), the whole bytes left in `read_in` are the first bytes of the trailer;
/// the trailer is completed from the input that igzip did not take, which is how `unusedInput` counts exactly
/// the bytes after the trailer, as zlib's does. `read_in` holds at most 8 bytes, so it never reaches past the
/// trailer, and `tmp_in_buffer` (block headers cut between calls) is empty again once a header is decoded.
internal final class ISALInflater {
    /// igzip's state, 87,368 bytes in 2.30 (decode tables, a 64 KiB history and copy buffer): too big for the
    /// stack, and used in place by every call, so it is allocated once per inflater on the heap and never copied
    /// or moved.
    private let state: UnsafeMutablePointer<inflate_state>
    private var header = GzipHeaderReader()
    private var phase = Phase.header
    /// The trailer bytes read so far, little-endian: CRC-32 in the low half, ISIZE in the high half.
    private var trailer: UInt64 = 0
    private var trailerCount = 0
    /// The error that ended this member; every later call throws it again, as zlib does.
    private var failure: GzipInflater.Failure?

    private enum Phase { case header, body, trailer, done }

    /// Where `next_in` points when there is no input (igzip reads nothing there).
    nonisolated(unsafe) private static let noInput = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)

    init() throws(GzipInflater.Failure) {
        let size = MemoryLayout<inflate_state>.size
        let raw = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: MemoryLayout<inflate_state>.alignment)
        // Plain C data: isal_inflate_init sets every field igzip reads before writing it; the large tables and
        // buffers are filled by igzip as it goes, so the 87 KB are not cleared for each log.
        state = raw.bindMemory(to: inflate_state.self, capacity: 1)
        isal_inflate_init(state)
        state.pointee.crc_flag = UInt32(ISAL_GZIP_NO_HDR)
        state.pointee.hist_bits = 0   // the full 32 KiB window, as zlib's 15 window bits
    }

    /// See ``GzipInflater/reset()``: the same state as a new inflater's, in the same memory.
    func reset() {
        isal_inflate_init(state)
        state.pointee.crc_flag = UInt32(ISAL_GZIP_NO_HDR)
        state.pointee.hist_bits = 0
        header = GzipHeaderReader()
        phase = .header
        trailer = 0
        trailerCount = 0
        failure = nil
    }

    deinit {
        state.deallocate()
    }

    /// See ``GzipInflater/inflate(_:into:consume:)``.
    func inflate(
        _ input: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer,
        consume: (UnsafeRawBufferPointer) -> Bool
    ) throws(GzipInflater.Failure) -> GzipInflater.Progress {
        guard let outBase = output.baseAddress, output.count > 0 else {
            throw GzipInflater.Failure(message: "no output space")
        }
        if let failure { throw failure }
        var next = 0
        while true {
            switch phase {
            case .header:
                next += try failing { () throws(GzipInflater.Failure) in
                    try header.read(UnsafeRawBufferPointer(rebasing: input[next...]))
                }
                guard header.isComplete else { return .needsInput }
                phase = .body
            case .body:
                // isal_inflate counts in UInt32; a larger input is fed in slices.
                let offered = min(input.count - next, Int(UInt32.max))
                let room = min(output.count, Int(UInt32.max))
                // Never NULL, even with nothing to offer: igzip may memcpy zero bytes from next_in.
                state.pointee.next_in = offered > 0
                    ? UnsafeMutablePointer(mutating: (input.baseAddress! + next).assumingMemoryBound(to: UInt8.self))
                    : Self.noInput
                state.pointee.avail_in = UInt32(offered)
                state.pointee.next_out = outBase.assumingMemoryBound(to: UInt8.self)
                state.pointee.avail_out = UInt32(room)
                let status = isal_inflate(state)
                let taken = offered - Int(state.pointee.avail_in)
                let produced = room - Int(state.pointee.avail_out)
                next += taken
                if produced > 0, !consume(UnsafeRawBufferPointer(start: outBase, count: produced)) {
                    return .stopped
                }
                if status != ISAL_DECOMP_OK {
                    throw fail(Self.message(for: status))
                }
                if state.pointee.block_state == ISAL_BLOCK_FINISH {
                    takeReadAhead()
                    phase = .trailer
                } else if produced < room {
                    // Output room is left, so igzip holds nothing back: it stopped for want of input.
                    if next == input.count { return .needsInput }
                    if taken == 0 && produced == 0 { throw fail("igzip made no progress") }
                }
                // Otherwise the output was full: call again to hand over what igzip still holds.
            case .trailer:
                while trailerCount < 8 && next < input.count {
                    trailer |= UInt64(input[next]) << (8 * trailerCount)
                    trailerCount += 1
                    next += 1
                }
                // zlib's order: CRC-32 once its 4 bytes are there, then ISIZE (the output length mod 2^32;
                // igzip's total_out is a UInt32 and wraps the same way past 4 GiB).
                if trailerCount >= 4 && UInt32(truncatingIfNeeded: trailer) != state.pointee.crc {
                    throw fail("incorrect data check")
                }
                guard trailerCount == 8 else { return .needsInput }
                if UInt32(truncatingIfNeeded: trailer >> 32) != state.pointee.total_out {
                    throw fail("incorrect length check")
                }
                phase = .done
            case .done:
                return .finished(unusedInput: input.count - next)
            }
        }
    }

    /// Moves the whole bytes igzip read past the end of the deflate data into the trailer.
    private func takeReadAhead() {
        let bits = max(0, Int(state.pointee.read_in_length))
        assert(bits <= 64 && state.pointee.tmp_in_size == 0, "igzip holds input outside its bit buffer")
        var buffered = state.pointee.read_in >> UInt64(bits % 8)
        for _ in 0..<(bits / 8) {
            trailer |= UInt64(UInt8(truncatingIfNeeded: buffered)) << (8 * trailerCount)
            trailerCount += 1
            buffered >>= 8
        }
        state.pointee.read_in = 0
        state.pointee.read_in_length = 0
    }

    private func fail(_ message: String) -> GzipInflater.Failure {
        let error = GzipInflater.Failure(message: message)
        failure = error
        return error
    }

    private func failing<T>(_ body: () throws(GzipInflater.Failure) -> T) throws(GzipInflater.Failure) -> T {
        do { return try body() } catch { throw fail(error.message) }
    }

    /// zlib's words where the cause is the same. igzip's codes are coarser than zlib's messages: one
    /// `ISAL_INVALID_BLOCK` covers zlib's "invalid block type", "invalid stored block lengths", "too many length
    /// or distance symbols", "invalid code lengths set", "invalid bit length repeat", "invalid code -- missing
    /// end-of-block", "invalid literal/lengths set" and "invalid distances set"; one `ISAL_INVALID_SYMBOL` covers
    /// "invalid literal/length code" and "invalid distance code". The callers that report a message
    /// (``LogFileHasher``, ``GzipInflater/inflate(_:limit:backend:)``) have zlib decide igzip's rejections again,
    /// so these words are seen only by direct users of this class.
    static func message(for status: Int32) -> String {
        switch status {
        case ISAL_INVALID_BLOCK: return "invalid deflate block header"
        case ISAL_INVALID_SYMBOL: return "invalid literal/length or distance code"
        case ISAL_INVALID_LOOKBACK: return "invalid distance too far back"
        // Not expected with ISAL_GZIP_NO_HDR (the wrapper is read in Swift), mapped for completeness.
        case ISAL_INVALID_WRAPPER: return "incorrect header check"
        case ISAL_UNSUPPORTED_METHOD: return "unknown compression method"
        case ISAL_INCORRECT_CHECKSUM: return "incorrect data check"
        default: return "igzip status \(status)"
        }
    }
}
#endif
