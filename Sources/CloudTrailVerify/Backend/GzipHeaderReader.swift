#if CLOUDTRAIL_ISAL
internal import CCloudTrailZlib

/// Reads one gzip member header (RFC 1952, 2.3) in pieces of any size, with zlib's checks, in zlib's order and
/// with zlib's messages, so that igzip (``ISALInflater``) is given only the deflate data and never judges a header
/// by rules of its own.
///
/// zlib reads the fixed fields two or four bytes at a time and judges a field only once all of it is there:
/// `1f 8b` ("incorrect header check"), then method and flags together ("unknown compression method", then
/// "unknown header flags set" for the reserved bits 5-7), then MTIME, XFL and OS, FEXTRA (XLEN and that
/// many bytes), FNAME and FCOMMENT (up to and with their NUL), and FHCRC: the low 16 bits of the CRC-32 of
/// every header byte before it ("header crc mismatch"). A header cut anywhere is "more input needed", never
/// an error, exactly as in zlib. Nothing is kept but a few counters: FEXTRA, FNAME and FCOMMENT may be any
/// length.
internal struct GzipHeaderReader {
    private enum Field {
        case magic, methodAndFlags, timeAndOS, extraLength, extra, name, comment, headerCRC, done
    }

    private static let headerCRCFlag: UInt8 = 0x02
    private static let extraFlag: UInt8 = 0x04
    private static let nameFlag: UInt8 = 0x08
    private static let commentFlag: UInt8 = 0x10
    private static let reservedFlags: UInt8 = 0xe0

    private var field = Field.magic
    private var flags: UInt8 = 0
    /// The bytes of a two-byte field read so far (little-endian), and how many.
    private var pending: UInt16 = 0
    private var pendingCount = 0
    /// Bytes still to skip in MTIME/XFL/OS or in FEXTRA's data.
    private var skip = 6
    /// CRC-32 of the header bytes read so far (FHCRC excluded).
    private var crc: UInt = 0

    /// Whether the whole header has been read.
    var isComplete: Bool { field == .done }

    /// Reads header bytes from the front of `input` and returns how many it used: all of them while the header
    /// goes on, fewer when it ends inside `input` (the rest is deflate data).
    mutating func read(_ input: UnsafeRawBufferPointer) throws(GzipInflater.Failure) -> Int {
        var at = 0
        while field != .done {
            switch field {
            case .magic, .methodAndFlags, .extraLength, .headerCRC:
                while pendingCount < 2 {
                    guard at < input.count else { return at }
                    pending |= UInt16(input[at]) << (8 * pendingCount)
                    pendingCount += 1
                    if field != .headerCRC { crc = crc32Update(crc, input, at, 1) }
                    at += 1
                }
                let value = pending
                pending = 0
                pendingCount = 0
                try finishTwoByteField(value)
            case .timeAndOS, .extra:
                let count = min(skip, input.count - at)
                crc = crc32Update(crc, input, at, count)
                at += count
                skip -= count
                guard skip == 0 else { return at }
                field = nextField(after: field)
            case .name, .comment:
                guard at < input.count else { return at }
                let rest = UnsafeRawBufferPointer(rebasing: input[at...])
                let nul = rest.firstIndex(of: 0)
                let count = nul.map { $0 + 1 } ?? rest.count
                crc = crc32Update(crc, input, at, count)
                at += count
                guard nul != nil else { return at }
                field = nextField(after: field)
            case .done:
                break
            }
        }
        return at
    }

    private mutating func finishTwoByteField(_ value: UInt16) throws(GzipInflater.Failure) {
        switch field {
        case .magic:
            guard value == 0x8b1f else { throw GzipInflater.Failure(message: "incorrect header check") }
        case .methodAndFlags:
            guard value & 0xff == 8 else { throw GzipInflater.Failure(message: "unknown compression method") }
            flags = UInt8(value >> 8)
            guard flags & Self.reservedFlags == 0 else {
                throw GzipInflater.Failure(message: "unknown header flags set")
            }
            skip = 6
        case .extraLength:
            skip = Int(value)
        case .headerCRC:
            guard value == UInt16(truncatingIfNeeded: crc) else {
                throw GzipInflater.Failure(message: "header crc mismatch")
            }
        default:
            break
        }
        field = nextField(after: field)
    }

    /// The field after `field` that this header has (the optional ones depend on the flags).
    private func nextField(after field: Field) -> Field {
        switch field {
        case .magic: return .methodAndFlags
        case .methodAndFlags: return .timeAndOS
        case .timeAndOS:
            return flags & Self.extraFlag != 0 ? .extraLength : nextField(after: .extra)
        case .extraLength: return skip > 0 ? .extra : nextField(after: .extra)
        case .extra: return flags & Self.nameFlag != 0 ? .name : nextField(after: .name)
        case .name: return flags & Self.commentFlag != 0 ? .comment : nextField(after: .comment)
        case .comment: return flags & Self.headerCRCFlag != 0 ? .headerCRC : .done
        case .headerCRC, .done: return .done
        }
    }

    private func crc32Update(_ crc: UInt, _ input: UnsafeRawBufferPointer, _ offset: Int, _ count: Int) -> UInt {
        guard count > 0, let base = input.baseAddress else { return crc }
        return crc32(crc, (base + offset).assumingMemoryBound(to: Bytef.self), uInt(count))
    }
}
#endif
