#if CLOUDTRAIL_LIBDEFLATE
internal import CCloudTrailLibdeflate

/// Whole-buffer gunzip of the first gzip member of an input held in memory, through libdeflate, held to zlib.
///
/// Only built with the `LIBDEFLATE` package trait. libdeflate is the fastest inflater on this kind of data, but
/// it cannot stream: it needs all of a member's input and room for all of its output. So it is a fast path in
/// front of ``GzipInflater``, not a third streaming backend. ``LogFileHasher`` takes it for log files that fit
/// its bounded buffers and streams everything else.
///
/// It decides only what it can decide exactly as zlib would: a member that inflates, fits `output`, and whose
/// trailer matches. Everything else is ``Outcome/declined(_:)``, and the caller streams the same input through
/// ``GzipInflater``, whose zlib has the last word and the error message:
/// - The gzip header is read by ``GzipHeaderReader`` (zlib's rules), not by `libdeflate_gzip_decompress`, which
///   ignores the reserved flag bits and never checks FHCRC's header CRC.
/// - Only the deflate data goes to `libdeflate_deflate_decompress_ex`; the CRC-32 and ISIZE of the trailer are
///   checked here (ISIZE mod 2^32, as zlib does).
/// - libdeflate reports a corrupt stream, a cut one and a wrong trailer alike as `LIBDEFLATE_BAD_DATA`, with no
///   message, which is why it declines rather than judges.
///
/// The differential tests (`LibdeflateInflaterTests`) and the `inflate-differential` fuzz target hold it to zlib
/// byte for byte; docs/performance.md ("The libdeflate build") has the measurements.
internal final class LibdeflateInflater {
    /// What one call to ``inflate(_:into:chunk:consume:)`` ended with.
    enum Outcome: Equatable {
        /// The first member inflated to `count` bytes, all of them handed to `consume`, and its trailer matches;
        /// it spans the first `memberLength` bytes of the input (what follows is trailing data).
        case inflated(count: Int, memberLength: Int)
        /// Not decided here; stream the input through ``GzipInflater`` instead. `consume` may already have been
        /// given output (the trailer is checked after it), which the caller must discard.
        case declined(Reason)
    }

    /// Why a member was left to the streaming inflater.
    enum Reason: Equatable {
        /// The header is refused by zlib's rules, or ends with the input.
        case header
        /// The member inflates to more than the output room.
        case outputTooLarge
        /// libdeflate refused the deflate data: corrupt, or cut short.
        case deflateData
        /// Fewer than the 8 trailer bytes follow the deflate data.
        case trailerCut
        /// The trailer's CRC-32 or ISIZE does not match the output.
        case trailerMismatch
    }

    /// libdeflate's decompressor: about 10 KB of decode tables, reused for every member.
    private let decompressor: OpaquePointer

    init() throws(GzipInflater.Failure) {
        guard let made = libdeflate_alloc_decompressor() else {
            throw GzipInflater.Failure(message: "libdeflate could not start (out of memory)")
        }
        decompressor = made
    }

    deinit {
        libdeflate_free_decompressor(decompressor)
    }

    /// Inflates the first gzip member of `input` into `output`, then hands the output to `consume` in pieces of
    /// `chunk` bytes while it computes their CRC-32, so each piece is still in cache when the caller hashes it.
    func inflate(
        _ input: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer,
        chunk: Int = 128 * 1024,
        consume: (UnsafeRawBufferPointer) -> Void
    ) -> Outcome {
        precondition(chunk > 0 && output.count > 0, "no room to inflate into")
        var header = GzipHeaderReader()
        let headerLength: Int
        do { headerLength = try header.read(input) } catch { return .declined(.header) }
        guard header.isComplete, let inBase = input.baseAddress, let outBase = output.baseAddress else {
            return .declined(.header)
        }
        let body = inBase + headerLength
        let bodyCount = input.count - headerLength
        var taken = 0
        var produced = 0
        let result = libdeflate_deflate_decompress_ex(
            decompressor, body, bodyCount, outBase, output.count, &taken, &produced)
        switch result {
        case LIBDEFLATE_SUCCESS: break
        case LIBDEFLATE_INSUFFICIENT_SPACE: return .declined(.outputTooLarge)
        default: return .declined(.deflateData)
        }
        guard bodyCount - taken >= 8 else { return .declined(.trailerCut) }

        var crc: UInt32 = 0
        var offset = 0
        while offset < produced {
            let count = min(chunk, produced - offset)
            crc = libdeflate_crc32(crc, outBase + offset, count)
            consume(UnsafeRawBufferPointer(start: outBase + offset, count: count))
            offset += count
        }
        let trailer = UnsafeRawBufferPointer(start: body + taken, count: 8)
        let storedCRC = trailer.loadUnaligned(fromByteOffset: 0, as: UInt32.self).littleEndian
        let storedSize = trailer.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian
        guard storedCRC == crc, storedSize == UInt32(truncatingIfNeeded: produced) else {
            return .declined(.trailerMismatch)
        }
        return .inflated(count: produced, memberLength: headerLength + taken + 8)
    }
}
#endif
