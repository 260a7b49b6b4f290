import Foundation
import Testing
@testable import CloudTrailVerify

/// Inputs and a streaming runner for the differential inflater tests (`GzipInflaterBackendTests`: igzip against
/// zlib, `--traits ISAL`). Compiled in every build. The deflate edge cases were written for a libdeflate fast path
/// that was measured and not shipped (docs/performance.md, "libdeflate: measured, not shipped"); igzip is held to
/// zlib on them.
enum GzipTestMembers {
    // MARK: Running one streaming backend

    /// How one backend's streaming run over a whole input ended.
    enum Ending: Equatable, CustomStringConvertible {
        /// The member ended and this many bytes of the input follow its trailer.
        case finished(trailingBytes: Int)
        /// All input was taken and the member has not ended.
        case needsInput
        case failed(String)

        var isFinished: Bool {
            if case .finished = self { return true }
            return false
        }

        var description: String {
            switch self {
            case .finished(let trailing): "finished, \(trailing) bytes after it"
            case .needsInput: "needs more input"
            case .failed(let message): "failed: \(message)"
            }
        }
    }

    /// What one backend made of an input: how it ended, and the SHA-256 and length of everything it wrote.
    struct Run: Equatable, CustomStringConvertible {
        var ending: Ending
        var outputSHA256: [UInt8]
        var outputCount: Int
        var description: String { "\(ending), \(outputCount) bytes out" }
    }

    /// Streams `input` through `backend` in pieces of `piece` bytes, with `outputSize` bytes of output room.
    static func stream(_ input: [UInt8], _ backend: GzipInflater.Backend, piece: Int = .max, outputSize: Int = 64 * 1024) -> Run {
        let digest = MessageDigest(.sha256)
        var count = 0
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: outputSize, alignment: 16)
        defer { scratch.deallocate() }
        let ending: Ending = input.withUnsafeBytes { all in
            let inflater: GzipInflater
            do { inflater = try GzipInflater(backend: backend) } catch { return .failed(Self.text(of: error)) }
            var offset = 0
            while true {
                let end = offset + min(piece, all.count - offset)
                let progress: GzipInflater.Progress
                do {
                    progress = try inflater.inflate(UnsafeRawBufferPointer(rebasing: all[offset..<end]), into: scratch) {
                        digest.update($0)
                        count += $0.count
                        return true
                    }
                } catch {
                    return .failed(Self.text(of: error))
                }
                offset = end
                switch progress {
                case .finished(let unused): return .finished(trailingBytes: unused + all.count - end)
                case .stopped: return .failed("stopped")
                case .needsInput: if offset == all.count { return .needsInput }
                }
            }
        }
        return Run(ending: ending, outputSHA256: digest.finalize(), outputCount: count)
    }

    static func text(of error: any Error) -> String {
        (error as? GzipInflater.Failure)?.message ?? "\(error)"
    }

    // MARK: Inputs

    /// Members written by Python's zlib (deflate in every block type and strategy) or bit by bit, with every
    /// header field, broken headers and trailers, trailing data, and deflate errors; see `generator`.
    static let samples: [String: [UInt8]] = {
        guard let output = try? TestSupport.runChecked(["python3", "-c", generator]) else { return [:] }
        var samples: [String: [UInt8]] = [:]
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ")
            samples[String(parts[0])] = TestSupport.unhex(String(parts[1]))
        }
        return samples
    }()

    /// Samples whose deflate data is valid: every cut of them must be "needs more input" for every inflater.
    static let validSampleNames = [
        "dynamic", "fixed", "stored", "huffman-only", "rle", "noise", "empty", "empty-stored", "sync-and-full-flush",
        "ftext", "fextra", "fextra-empty", "fname", "fcomment", "fhcrc", "all-header-fields", "stored-multi-block",
    ]

    /// Samples refused in the header or trailer, which the faster inflaters judge in Swift by zlib's rules.
    static let wrapperErrorNames = [
        "bad-fhcrc", "reserved-flag-20", "reserved-flag-40", "reserved-flag-80", "bad-method", "bad-magic",
        "zlib-wrapped", "flipped-crc", "flipped-isize",
    ]

    /// Samples with data after the member.
    static let trailingNames = ["two-members", "trailing-junk", "trailing-zero"]

    /// Samples with broken deflate data: igzip's words differ from zlib's ("invalid distance too far back" is the
    /// same), the decided outcome does not.
    static let deflateErrorNames = ["invalid-block-type", "bad-stored-lengths", "distance-too-far-back"]

    /// Prefix codes that are valid but incomplete, which zlib refuses and igzip decodes.
    static let incompleteCodeNames = ["incomplete-litlen-code", "incomplete-distance-code", "incomplete-code-length-code"]

    /// Deflate edge cases that zlib and libdeflate both inflate: a one-symbol code sent as '0', an unused empty
    /// distance code, the most code lengths zlib allows, length symbol 285, distance symbol 29.
    static let deflateEdgeNames = [
        "single-eob-code-0", "single-distance-code-0", "empty-distance-code-unused", "hlit-286-hdist-30",
        "fixed-length-285", "fixed-distance-29",
    ]

    /// Deflate data that zlib refuses and libdeflate 1.14 inflates (one reason it was not shipped; see
    /// docs/performance.md). igzip refuses them too.
    static let libdeflateAcceptsNames = [
        "single-eob-code-1", "single-distance-code-1", "empty-distance-code-used", "hlit-287-hdist-1",
        "hlit-288-hdist-1", "hlit-257-hdist-31", "hlit-257-hdist-32", "dynamic-length-287", "fixed-length-286",
        "fixed-length-287", "fixed-distance-30", "fixed-distance-31", "code-lengths-overrun-17",
        "code-lengths-overrun-18",
    ]

    /// More broken deflate data, which zlib and libdeflate both refuse.
    static let moreDeflateErrorNames = [
        "single-code-length-code-18", "single-code-length-code-0", "first-length-repeats", "distance-before-start",
        "missing-end-of-block", "oversubscribed-litlen-code",
    ]

    static func sample(_ name: String) throws -> [UInt8] {
        try #require(samples[name], "no sample \(name) (python3 failed?)")
    }

    static func withFile<T>(_ bytes: [UInt8], in dir: String, _ body: (String) throws -> T) throws -> T {
        let path = dir + "/" + UUID().uuidString + ".json.gz"
        try TestSupport.write(bytes, to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    /// The paths, relative to `TestVectors/`, of the regular `.json.gz` files there (symbolic links left out), sorted.
    static func vectorFiles() throws -> [String] {
        let root = TestSupport.vectorsDirectory
        return try FileManager.default.subpathsOfDirectory(atPath: root).filter { $0.hasSuffix(".json.gz") }.sorted()
            .filter {
                (try? FileManager.default.attributesOfItem(atPath: root + "/" + $0)[.type] as? FileAttributeType)
                    == .typeRegular
            }
    }

    /// About 3 MB of log-like text with stretches of noise (many dynamic blocks), gzipped by Python.
    static let largeMember: [UInt8] = {
        var content: [UInt8] = []
        let noise = TestSupport.pseudoRandomBytes(count: 220_000)
        for line in 0..<50_000 {
            content += Array("{\"eventName\":\"PutObject\",\"requestID\":\"\(line * 7919 % 100_003)\",\"n\":\(line)}\n".utf8)
            if line % 5000 == 0 { content += noise[(line / 5000 * 20_000)..<(line / 5000 * 20_000 + 20_000)] }
        }
        return (try? TestSupport.runChecked(
            ["python3", "-c", "import sys, gzip; sys.stdout.buffer.write(gzip.compress(sys.stdin.buffer.read(), 6, mtime=0))"],
            input: content)) ?? []
    }()

    /// Changes `bytes` in one of eight random ways (the random mutation tests' kinds) and returns which.
    static func mutate(_ bytes: inout [UInt8], _ random: inout SplitMix) -> Int {
        let kind = random.next(below: 8)
        switch kind {
        case 0: // one bit anywhere
            bytes[random.next(below: bytes.count)] ^= UInt8(1) << random.next(below: 8)
        case 1: // one bit in the deflate data or trailer (past a plain 10-byte header)
            bytes[10 + random.next(below: bytes.count - 10)] ^= UInt8(1) << random.next(below: 8)
        case 2: // one to three bytes replaced
            for _ in 0...random.next(below: 3) {
                bytes[random.next(below: bytes.count)] = UInt8(truncatingIfNeeded: random.next(below: 256))
            }
        case 3: // cut short, and a bit flipped before the cut
            bytes = Array(bytes.prefix(1 + random.next(below: bytes.count - 1)))
            bytes[random.next(below: bytes.count)] ^= UInt8(1) << random.next(below: 8)
        case 4: // a byte inserted
            bytes.insert(UInt8(truncatingIfNeeded: random.next(below: 256)), at: random.next(below: bytes.count + 1))
        case 5: // a byte removed
            bytes.remove(at: random.next(below: bytes.count))
        case 6: // MTIME, XFL or OS changed: still valid unless the header has a CRC
            bytes[4 + random.next(below: 6)] ^= UInt8(1) << random.next(below: 8)
        default: // one to nine random bytes after the member
            bytes += (0...random.next(below: 9)).map { _ in UInt8(truncatingIfNeeded: random.next(below: 256)) }
        }
        return kind
    }

    // MARK: Sample generator

    /// Deterministic pseudo-random numbers (the walker's seeded SplitMix64), so the mutations are the same on every run.
    typealias SplitMix = DirectoryWalker.SplitMix64

    /// Prints `name hex` for every sample member.
    static let generator = #"""
    import sys, zlib, struct, random

    def deflate(data, level=6, strategy=zlib.Z_DEFAULT_STRATEGY):
        c = zlib.compressobj(level, zlib.DEFLATED, -15, 9, strategy)
        return c.compress(data) + c.flush()

    def member(data, raw=None, flags=None, extra=None, name=None, comment=None, hcrc=False, bad_hcrc=False,
               method=8, magic=b'\x1f\x8b', crc=None, size=None):
        if flags is None:
            flags = (0x04 if extra is not None else 0) | (0x08 if name is not None else 0) \
                  | (0x10 if comment is not None else 0) | (0x02 if hcrc else 0)
        h = magic + bytes([method, flags]) + struct.pack('<I', 0x5f5e0ff0) + b'\x00\x03'
        if extra is not None: h += struct.pack('<H', len(extra)) + extra
        if name is not None: h += name + b'\0'
        if comment is not None: h += comment + b'\0'
        if hcrc: h += struct.pack('<H', (zlib.crc32(h) & 0xffff) ^ (0x0100 if bad_hcrc else 0))
        body = deflate(data) if raw is None else raw
        crc = zlib.crc32(data) if crc is None else crc
        size = len(data) & 0xffffffff if size is None else size
        return h + body + struct.pack('<II', crc, size)

    class Bits:
        """Deflate's bit order: fields least significant bit first, Huffman codes most significant bit first."""
        def __init__(self): self.out = bytearray(); self.acc = 0; self.n = 0
        def put(self, value, count):
            self.acc |= value << self.n; self.n += count
            while self.n >= 8: self.out.append(self.acc & 0xff); self.acc >>= 8; self.n -= 8
        def huff(self, code, length):
            self.put(int(format(code, '0%db' % length)[::-1], 2), length)
        def bytes(self):
            if self.n: self.out.append(self.acc & 0xff); self.acc = 0; self.n = 0
            return bytes(self.out)

    ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    def canonical(lengths):
        codes, code = {}, 0
        for length in range(1, 16):
            for sym in sorted(s for s, l in lengths.items() if l == length):
                codes[sym] = code; code += 1
            code <<= 1
        return codes

    def dynamic_header(b, clen_lengths, litlen, dist, hlit=None, hdist=None):
        """A final dynamic block's header (HLIT and HDIST as given), its codes for the symbols after it."""
        b.put(1, 1); b.put(2, 2)
        hlit = hlit or max(257, max(litlen) + 1); hdist = hdist or max(1, max(dist, default=0) + 1)
        b.put(hlit - 257, 5); b.put(hdist - 1, 5)
        hclen = max(4, max(ORDER.index(s) for s in clen_lengths) + 1)
        b.put(hclen - 4, 4)
        for s in ORDER[:hclen]: b.put(clen_lengths.get(s, 0), 3)
        ccodes = canonical(clen_lengths)
        seq = [litlen.get(i, 0) for i in range(hlit)] + [dist.get(i, 0) for i in range(hdist)]
        i = 0
        while i < len(seq):
            run = 1
            while seq[i] == 0 and i + run < len(seq) and seq[i + run] == 0 and run < 138: run += 1
            if run >= 11 and 18 in ccodes:
                b.huff(ccodes[18], clen_lengths[18]); b.put(run - 11, 7); i += run; continue
            b.huff(ccodes[seq[i]], clen_lengths[seq[i]]); i += 1
        return canonical(litlen), canonical(dist)

    def dynamic_block(clen_lengths, litlen, dist, symbols):
        """One final dynamic block with the given code lengths ({symbol: length}), whatever they are."""
        b = Bits()
        lcodes, dcodes = dynamic_header(b, clen_lengths, litlen, dist)
        for s in symbols:
            if s[0] == 'lit': b.huff(lcodes[s[1]], litlen[s[1]])
            else:
                _, lsym, dsym = s
                b.huff(lcodes[lsym], litlen[lsym]); b.huff(dcodes[dsym], dist[dsym])
        b.huff(lcodes[256], litlen[256])
        return b.bytes()

    def too_far_back():
        b = Bits(); b.put(1, 1); b.put(1, 2)   # final fixed-Huffman block
        b.huff(1, 7)                            # length 3 (symbol 257)
        b.huff(0, 5)                            # distance 1, with nothing written yet
        b.huff(0, 7)                            # end of block
        return b.bytes()

    rng = random.Random(20261126)
    text = b''.join(b'{"eventVersion":"1.09","eventName":"%s","awsRegion":"us-east-1","n":%d}\n'
                    % (rng.choice([b'PutObject', b'GetObject', b'ConsoleLogin', b'AssumeRole']), rng.randint(0, 10**6))
                    for _ in range(60))
    noise = bytes(rng.getrandbits(8) for _ in range(3000))
    big_noise = bytes(rng.getrandbits(8) for _ in range(150000))
    s = {}
    s['dynamic'] = member(text)
    s['fixed'] = member(text, raw=deflate(text, 6, zlib.Z_FIXED))
    s['stored'] = member(text, raw=deflate(text, 0))
    s['stored-multi-block'] = member(big_noise, raw=deflate(big_noise, 0))
    s['huffman-only'] = member(text + noise, raw=deflate(text + noise, 6, zlib.Z_HUFFMAN_ONLY))
    s['rle'] = member(text, raw=deflate(text, 6, zlib.Z_RLE))
    s['noise'] = member(noise + text)
    s['empty'] = member(b'')
    s['empty-stored'] = member(b'', raw=deflate(b'', 0))
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    s['sync-and-full-flush'] = member(text, raw=c.compress(text[:1000]) + c.flush(zlib.Z_SYNC_FLUSH)
                                      + c.compress(text[1000:]) + c.flush(zlib.Z_FULL_FLUSH) + c.flush())
    s['ftext'] = member(text, flags=0x01)
    s['fextra'] = member(text, extra=b'AB\x02\x00xy')
    s['fextra-empty'] = member(text, extra=b'')
    s['fname'] = member(text, name=b'111122223333_CloudTrail_us-east-1.json')
    s['fcomment'] = member(text, comment=b'a comment')
    s['fhcrc'] = member(text, hcrc=True)
    s['all-header-fields'] = member(text, extra=b'\x00' * 300, name=b'log.json', comment=b'c' * 40, hcrc=True)
    s['bad-fhcrc'] = member(text, name=b'log.json', hcrc=True, bad_hcrc=True)
    for bit in (0x20, 0x40, 0x80):
        s['reserved-flag-%02x' % bit] = member(text, flags=bit)
    s['bad-method'] = member(text, method=7)
    s['bad-magic'] = member(text, magic=b'\x1f\x8c')
    s['zlib-wrapped'] = zlib.compress(text)
    s['flipped-crc'] = member(text, crc=zlib.crc32(text) ^ 1)
    s['flipped-isize'] = member(text, size=len(text) ^ 0x100)
    s['two-members'] = member(text) + member(b'more')
    s['trailing-junk'] = member(text) + b'junk\n'
    s['trailing-zero'] = member(text) + b'\x00'
    s['invalid-block-type'] = member(b'', raw=b'\x07\x00')
    s['bad-stored-lengths'] = member(b'ab', raw=b'\x01\x02\x00\x00\x00ab')
    s['distance-too-far-back'] = member(b'\x00\x00\x00', raw=too_far_back())
    # Valid prefix codes that leave bit patterns unused: zlib refuses them, igzip does not.
    s['incomplete-litlen-code'] = member(b'aaaa', raw=dynamic_block(
        {0: 2, 1: 2, 2: 2, 18: 2}, {97: 2, 256: 2}, {0: 1}, [('lit', 97)] * 4))
    s['incomplete-distance-code'] = member(b'aaaaaaa', raw=dynamic_block(
        {0: 2, 1: 2, 2: 2, 18: 2}, {97: 1, 256: 2, 257: 2}, {0: 2, 1: 2},
        [('lit', 97), ('match', 257, 0), ('match', 257, 0)]))
    s['incomplete-code-length-code'] = member(b'aaaa', raw=dynamic_block(
        {0: 2, 1: 3, 2: 2, 18: 2}, {97: 2, 256: 2, 98: 1}, {0: 1}, [('lit', 97)] * 4))
    # Edge cases of the deflate format, kept apart so the samples above stay byte for byte what they were. zlib
    # and libdeflate agree on the first group; libdeflate 1.14 inflates the second, which zlib refuses (each
    # carries `text` in blocks before the odd one, as a forged log would); both refuse the third.
    def flushed(data):
        """Deflate data for `data` ending in a sync flush (no final block yet): any final block can follow."""
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH)

    def fixed_symbol(b, sym):
        """A literal/length symbol in the fixed code (RFC 1951, 3.2.6), 286 and 287 included."""
        if sym < 144: b.huff(0x30 + sym, 8)
        elif sym < 256: b.huff(0x190 + sym - 144, 9)
        elif sym < 280: b.huff(sym - 256, 7)
        else: b.huff(0xc0 + sym - 280, 8)

    CLEN = {0: 2, 1: 2, 2: 2, 18: 2}

    def single_eob_code(codeword):
        """End of block is the whole literal/length code, 1 bit long; zlib takes only '0' for it."""
        b = Bits(); dynamic_header(b, {0: 2, 1: 2, 18: 1}, {256: 1}, {0: 1}); b.put(codeword, 1)
        return b.bytes()

    def single_distance_code(codeword):
        """'a', then a match of 3 whose distance code is distance 1 alone, 1 bit long, sent as `codeword`."""
        b = Bits(); lit, _ = dynamic_header(b, CLEN, {97: 2, 256: 2, 257: 1}, {0: 1})
        b.huff(lit[97], 2); b.huff(lit[257], 1); b.put(codeword, 1); b.huff(lit[256], 2)
        return b.bytes()

    def empty_distance_code(used):
        """'a' in a block with no distance code (HDIST 1, length 0), then maybe a match of 3 all the same."""
        b = Bits(); lit, _ = dynamic_header(b, CLEN, {97: 2, 256: 2, 257: 1}, {}, hdist=1)
        b.huff(lit[97], 2)
        if used: b.huff(lit[257], 1); b.put(0, 1)
        b.huff(lit[256], 2)
        return b.bytes()

    def symbol_counts(hlit, hdist, length_symbol=None):
        """'a' (and a match of `length_symbol` at distance 1) in a block declaring HLIT and HDIST code lengths."""
        litlen = {97: 2, 256: 2, length_symbol: 1} if length_symbol else {97: 1, 256: 1}
        b = Bits(); lit, dist = dynamic_header(b, CLEN, litlen, {0: 1}, hlit=hlit, hdist=hdist)
        b.huff(lit[97], litlen[97])
        if length_symbol: b.huff(lit[length_symbol], 1); b.huff(dist[0], 1)
        b.huff(lit[256], litlen[256])
        return b.bytes()

    def fixed_length(sym):
        """A fixed block: 'a', then a match of length symbol `sym` at distance 1."""
        b = Bits(); b.put(1, 1); b.put(1, 2)
        fixed_symbol(b, 97); fixed_symbol(b, sym); b.huff(0, 5); fixed_symbol(b, 256)
        return b.bytes()

    def fixed_distance(sym):
        """A fixed block: a match of 3 with distance symbol `sym` and 13 zero extra bits (24577 back for 29)."""
        b = Bits(); b.put(1, 1); b.put(1, 2)
        fixed_symbol(b, 257); b.huff(sym, 5); b.put(0, 13); fixed_symbol(b, 256)
        return b.bytes()

    def lengths_overrun(repeat):
        """'a' and end of block, whose code lengths end with a run of zeros (17 or 18) 2 or 10 past HLIT + HDIST."""
        b = Bits(); b.put(1, 1); b.put(2, 2); b.put(0, 5); b.put(0, 5)
        clen_lengths = {0: 2, 1: 2, 17: 2, 18: 2}
        b.put(18 - 4, 4)
        for s in ORDER[:18]: b.put(clen_lengths.get(s, 0), 3)
        ccodes = canonical(clen_lengths)
        def zeros(n):
            while n:
                run = min(n, 138); b.huff(ccodes[18], 2); b.put(run - 11, 7); n -= run
        zeros(97); b.huff(ccodes[1], 2); zeros(158); b.huff(ccodes[1], 2)   # litlen: 'a' and end of block
        if repeat == 17: b.huff(ccodes[17], 2); b.put(0, 3)                 # 3 zeros, 1 place left
        else: b.huff(ccodes[18], 2); b.put(0, 7)                            # 11 zeros, 1 place left
        b.put(0, 1); b.put(1, 1)                                            # 'a' (code 0), end of block (code 1)
        return b.bytes()

    def precode_single(sym):
        """A code length code of one symbol, 1 bit long: zlib refuses it; libdeflate builds it, to no avail."""
        b = Bits(); b.put(1, 1); b.put(2, 2); b.put(0, 5); b.put(0, 5)
        hclen = max(4, ORDER.index(sym) + 1); b.put(hclen - 4, 4)
        for s in ORDER[:hclen]: b.put(1 if s == sym else 0, 3)
        left = 258
        while left:
            run = min(left, 138) if sym == 18 else 1
            b.put(0, 1)
            if sym == 18: b.put(run - 11, 7)
            left -= run
        b.put(0, 16)
        return b.bytes()

    def first_length_repeats():
        """Code lengths starting with 16 (repeat the previous length): there is none."""
        b = Bits(); b.put(1, 1); b.put(2, 2); b.put(0, 5); b.put(0, 5); b.put(0, 4)
        for s in ORDER[:4]: b.put({16: 1, 18: 1}.get(s, 0), 3)
        b.put(0, 1); b.put(0, 2); b.put(0, 32)
        return b.bytes()

    def distance_before_start():
        """A fixed block: 'a', then a match at distance 2."""
        b = Bits(); b.put(1, 1); b.put(1, 2)
        fixed_symbol(b, 97); fixed_symbol(b, 257); b.huff(1, 5); fixed_symbol(b, 256)
        return b.bytes()

    def missing_end_of_block():
        b = Bits(); dynamic_header(b, {0: 2, 1: 2, 18: 1}, {97: 1, 98: 1}, {0: 1}); b.put(0, 30)
        return b.bytes()

    def oversubscribed_litlen_code():
        b = Bits(); dynamic_header(b, {0: 2, 1: 2, 18: 1}, {97: 1, 98: 1, 256: 1}, {0: 1}); b.put(0, 30)
        return b.bytes()

    far = big_noise[:30000]
    far_match = far[-24577:][:3]
    # Both inflate these.
    s['single-eob-code-0'] = member(text, raw=flushed(text) + single_eob_code(0))
    s['single-distance-code-0'] = member(text + b'aaaa', raw=flushed(text) + single_distance_code(0))
    s['empty-distance-code-unused'] = member(text + b'a', raw=flushed(text) + empty_distance_code(False))
    s['hlit-286-hdist-30'] = member(text + b'a', raw=flushed(text) + symbol_counts(286, 30))
    s['fixed-length-285'] = member(text + b'a' * 259, raw=flushed(text) + fixed_length(285))
    s['fixed-distance-29'] = member(far + far_match, raw=flushed(far) + fixed_distance(29))
    # libdeflate 1.14 inflates these; zlib refuses them.
    s['single-eob-code-1'] = member(text, raw=flushed(text) + single_eob_code(1))
    s['single-distance-code-1'] = member(text + b'aaaa', raw=flushed(text) + single_distance_code(1))
    s['empty-distance-code-used'] = member(text + b'aaaa', raw=flushed(text) + empty_distance_code(True))
    for hlit, hdist in ((287, 1), (288, 1), (257, 31), (257, 32)):
        s['hlit-%d-hdist-%d' % (hlit, hdist)] = member(text + b'a', raw=flushed(text) + symbol_counts(hlit, hdist))
    s['dynamic-length-287'] = member(text + b'a' * 259, raw=flushed(text) + symbol_counts(288, 1, 287))
    for sym in (286, 287):
        s['fixed-length-%d' % sym] = member(text + b'a' * 259, raw=flushed(text) + fixed_length(sym))
    for sym in (30, 31):
        s['fixed-distance-%d' % sym] = member(far + far_match, raw=flushed(far) + fixed_distance(sym))
    for repeat in (17, 18):
        s['code-lengths-overrun-%d' % repeat] = member(text + b'a', raw=flushed(text) + lengths_overrun(repeat))
    # Both refuse these.
    s['single-code-length-code-18'] = member(b'', raw=precode_single(18))
    s['single-code-length-code-0'] = member(b'', raw=precode_single(0))
    s['first-length-repeats'] = member(b'', raw=first_length_repeats())
    s['distance-before-start'] = member(b'aaaa', raw=distance_before_start())
    s['missing-end-of-block'] = member(b'', raw=missing_end_of_block())
    s['oversubscribed-litlen-code'] = member(b'', raw=oversubscribed_litlen_code())
    for name, data in s.items():
        print(name, data.hex())
    """#
}

extension DirectoryWalker.SplitMix64 {
    /// A number in `0..<bound`.
    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
