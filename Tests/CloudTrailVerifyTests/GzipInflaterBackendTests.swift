#if CLOUDTRAIL_ISAL
import Foundation
import Testing
@testable import CloudTrailVerify

/// igzip (the `ISAL` build's inflater) held to zlib, input by input: the same output bytes, the same bytes after
/// the member, and the same decided outcome (``LogFileHasher``, ``GzipInflater/inflate(_:limit:backend:)``), for
/// the test vectors, hand-made members, every cut of a member, random mutations and large members fed in odd
/// pieces. Compiled only with `--traits ISAL`; the default build has only zlib.
@Suite("GzipInflater backends: igzip against zlib", .enabled(if: TestSupport.hasPython3))
struct GzipInflaterBackendTests {
    // MARK: Running one backend

    /// The members, the streaming runner (``GzipTestMembers/stream(_:_:piece:outputSize:)``) and the mutations live in
    /// `GzipTestMembers`.
    typealias Members = GzipTestMembers
    typealias Ending = GzipTestMembers.Ending
    typealias Run = GzipTestMembers.Run

    /// The outcome of the in-memory API, which has zlib decide what igzip rejects.
    struct Decided: Equatable {
        var bytes: [UInt8]?
        var trailingByteCount: Int?
        var message: String?
    }

    static func decided(_ input: [UInt8], _ backend: GzipInflater.Backend, limit: Int = 64 << 20) -> Decided {
        do {
            let inflated = try GzipInflater.inflate(input, limit: limit, backend: backend)
            return Decided(bytes: inflated.bytes, trailingByteCount: inflated.trailingByteCount)
        } catch {
            return Decided(message: error.message)
        }
    }

    static func hashed(_ path: String, _ backend: GzipInflater.Backend, bufferSize: Int = 256 * 1024) -> LogFileDigestOutcome {
        LogFileHasher(bufferSize: bufferSize, backend: backend).digest(path: path)
    }

    // MARK: The contract

    /// zlib's messages for prefix codes that are valid but incomplete (unused bit patterns). igzip decodes such
    /// blocks; zlib refuses them. The one known difference, pinned by ``incompleteHuffmanCodes(sample:)``.
    static let incompleteCodeMessages: Set<String> = [
        "invalid code lengths set", "invalid literal/lengths set", "invalid distances set",
    ]

    /// Whether zlib refused `zlib` only for an incomplete Huffman code, which igzip accepts.
    static func isKnownDifference(zlib: Ending, isal: Ending) -> Bool {
        guard case .failed(let message) = zlib, incompleteCodeMessages.contains(message) else { return false }
        if case .finished = isal { return true }
        return false
    }

    /// The streaming contract: whatever zlib inflates, igzip inflates to the same bytes with the same trailing
    /// count; whatever zlib rejects or finds cut short, igzip does not finish either (its words may differ, and
    /// it may see a broken block before zlib asks for more input). `sameEnding` also asks for the same error text
    /// or the same "needs more input", for the cases whose checks are done in Swift with zlib's rules (header,
    /// trailer, truncation).
    static func expectAgreement(
        zlib: Run, isal: Run, sameEnding: Bool = false, _ context: @autoclosure () -> String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        if case .finished = zlib.ending {
            #expect(isal == zlib, "\(context()): zlib \(zlib), igzip \(isal)", sourceLocation: sourceLocation)
            return
        }
        if isKnownDifference(zlib: zlib.ending, isal: isal.ending) { return }
        if case .finished = isal.ending {
            Issue.record("\(context()): igzip finished (\(isal)) where zlib \(zlib)", sourceLocation: sourceLocation)
        }
        if sameEnding {
            #expect(isal.ending == zlib.ending, "\(context()): zlib \(zlib), igzip \(isal)", sourceLocation: sourceLocation)
        }
    }

    /// The decided outcomes (in-memory API and file hasher) must be equal, message included.
    static func expectSameDecision(
        _ input: [UInt8], path: String?, _ context: @autoclosure () -> String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let zlib = decided(input, .zlib)
        let isal = decided(input, .isal)
        let knownBuffer = zlib.message.map(incompleteCodeMessages.contains) == true && isal.message == nil
        if !knownBuffer {
            #expect(isal == zlib, "\(context()): in memory, zlib \(zlib.message ?? "ok"), igzip \(isal.message ?? "ok")",
                    sourceLocation: sourceLocation)
        }
        guard let path else { return }
        let zlibHash = hashed(path, .zlib)
        let isalHash = hashed(path, .isal)
        var knownFile = false
        if case .corrupt(let message) = zlibHash, incompleteCodeMessages.contains(message) {
            switch isalHash {
            case .gzip, .gzipWithTrailingData: knownFile = true
            default: break
            }
        }
        if !knownFile {
            #expect(isalHash == zlibHash, "\(context()): hasher, zlib \(zlibHash), igzip \(isalHash)",
                    sourceLocation: sourceLocation)
        }
    }

    // MARK: Tests

    @Test("every .json.gz in TestVectors gets the same outcome, hash and trailing count from igzip as from zlib")
    func testVectors() throws {
        let files = try Members.vectorFiles()
        #expect(files.count > 100)
        var finished = 0
        for file in files {
            let path = TestSupport.vector(file)
            let bytes = try TestSupport.bytes(atPath: path)
            let zlib = Members.stream(bytes, .zlib)
            Self.expectAgreement(zlib: zlib, isal: Members.stream(bytes, .isal), file)
            if case .finished = zlib.ending { finished += 1 }
            Self.expectSameDecision(bytes, path: path, file)
            #expect(Self.hashed(path, .isal, bufferSize: 4096) == Self.hashed(path, .zlib, bufferSize: 4096), "\(file), 4 KiB reads")
        }
        #expect(finished > 100)
    }

    @Test("hand-made members (header fields, every block type, deflate edge cases, broken headers, deflate data and trailers, trailing data) get the same outcome from both backends, whole or 1 or 7 bytes at a time",
          arguments: Members.validSampleNames + Members.wrapperErrorNames + Members.trailingNames + Members.deflateErrorNames
            + Members.deflateEdgeNames + Members.libdeflateAcceptsNames + Members.moreDeflateErrorNames)
    func handMadeMembers(name: String) throws {
        let bytes = try Members.sample(name)
        // igzip words deflate errors its own way (zlib decides them again); "too far back" is the one shared message.
        let deflateErrors = Members.deflateErrorNames + Members.libdeflateAcceptsNames + Members.moreDeflateErrorNames
        let sameEnding = !deflateErrors.contains(name) || name == "distance-too-far-back"
        for (piece, outputSize) in [(Int.max, 64 * 1024), (Int.max, 7), (1, 64 * 1024), (7, 1), (7, 64 * 1024)] {
            let zlib = Members.stream(bytes, .zlib, piece: piece, outputSize: outputSize)
            let isal = Members.stream(bytes, .isal, piece: piece, outputSize: outputSize)
            Self.expectAgreement(zlib: zlib, isal: isal, sameEnding: sameEnding, "\(name), pieces of \(piece), \(outputSize) out")
            if (Members.validSampleNames + Members.trailingNames + Members.deflateEdgeNames).contains(name) {
                #expect(isal.ending.isFinished, "\(name): igzip did not finish a valid member: \(isal)")
            }
        }
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            try Members.withFile(bytes, in: dir) { Self.expectSameDecision(bytes, path: $0, name) }
        }
    }

    @Test("the header and trailer errors use zlib's words in igzip's inflater too")
    func wrapperMessages() throws {
        let expected = [
            "bad-fhcrc": "header crc mismatch", "reserved-flag-20": "unknown header flags set",
            "reserved-flag-80": "unknown header flags set", "bad-method": "unknown compression method",
            "bad-magic": "incorrect header check", "zlib-wrapped": "incorrect header check",
            "flipped-crc": "incorrect data check", "flipped-isize": "incorrect length check",
            "distance-too-far-back": "invalid distance too far back",
        ]
        for (name, message) in expected {
            let bytes = try Members.sample(name)
            #expect(Members.stream(bytes, .isal).ending == .failed(message), "\(name)")
            #expect(Members.stream(bytes, .isal, piece: 1).ending == .failed(message), "\(name), byte by byte")
            #expect(Members.stream(bytes, .zlib).ending == .failed(message), "\(name), zlib")
        }
    }

    @Test("a member cut at every byte offset asks both backends for more input, and both hashers call it truncated",
          arguments: ["all-header-fields", "dynamic", "stored", "fixed"])
    func everyCut(name: String) throws {
        let bytes = try Members.sample(name)
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            for keep in 0..<bytes.count {
                let prefix = Array(bytes.prefix(keep))
                let zlib = Members.stream(prefix, .zlib)
                #expect(zlib.ending == .needsInput, "\(name) cut to \(keep) bytes, zlib")
                Self.expectAgreement(zlib: zlib, isal: Members.stream(prefix, .isal), sameEnding: true, "\(name) cut to \(keep)")
                guard keep >= 2 else { continue }
                try Members.withFile(prefix, in: dir) { path in
                    #expect(Self.hashed(path, .isal) == .truncated, "\(name) cut to \(keep) bytes, igzip hasher")
                    #expect(Self.hashed(path, .zlib) == .truncated, "\(name) cut to \(keep) bytes, zlib hasher")
                }
            }
        }
    }

    @Test("a wrong CRC-32 is reported as soon as its 4 bytes are there, before ISIZE, by both backends")
    func crcBeforeLength() throws {
        let bytes = try Members.sample("flipped-crc")
        for cut in 1...8 {
            let prefix = Array(bytes.dropLast(cut))
            let expected: Ending = cut <= 4 ? .failed("incorrect data check") : .needsInput
            #expect(Members.stream(prefix, .zlib).ending == expected, "cut \(cut), zlib")
            #expect(Members.stream(prefix, .isal).ending == expected, "cut \(cut), igzip")
            #expect(Members.stream(prefix, .isal, piece: 1).ending == expected, "cut \(cut), igzip byte by byte")
        }
    }

    @Test("random byte mutations of small members get the same decided outcome from both backends")
    func randomMutations() throws {
        let bases = try ["dynamic", "fixed", "stored", "all-header-fields", "noise", "sync-and-full-flush"].map(Members.sample)
        var random = Members.SplitMix(seed: 0x1_5a1_2026)
        var finished = 0, failed = 0, cut = 0
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            for index in 0..<3000 {
                var bytes = bases[index % bases.count]
                let kind = Members.mutate(&bytes, &random)
                let label = "mutation \(index) (kind \(kind))"
                let zlib = Members.stream(bytes, .zlib)
                Self.expectAgreement(zlib: zlib, isal: Members.stream(bytes, .isal), label)
                if index % 4 == 0 {
                    Self.expectAgreement(zlib: zlib, isal: Members.stream(bytes, .isal, piece: 7, outputSize: 100), label + ", 7-byte pieces")
                }
                switch zlib.ending {
                case .finished: finished += 1
                case .failed: failed += 1
                case .needsInput: cut += 1
                }
                try Members.withFile(bytes, in: dir) { Self.expectSameDecision(bytes, path: $0, label) }
            }
        }
        // The mutations reach every outcome, so every branch of the contract was checked.
        #expect(finished > 300 && failed > 1000 && cut > 100, "finished \(finished), failed \(failed), cut \(cut)")
    }

    @Test("a multi-MiB member fed 1, 7 or 65536 bytes at a time inflates to the same bytes with both backends",
          arguments: [1, 7, 65536])
    func largeMemberInPieces(piece: Int) throws {
        let bytes = Members.largeMember + Array("junk".utf8)
        let zlib = Members.stream(bytes, .zlib, piece: piece)
        #expect(zlib.ending == .finished(trailingBytes: 4))
        #expect(zlib.outputCount > 2 << 20)
        Self.expectAgreement(zlib: zlib, isal: Members.stream(bytes, .isal, piece: piece), "large member in pieces of \(piece)")
        if piece == 65536 {
            Self.expectAgreement(zlib: zlib, isal: Members.stream(bytes, .isal, piece: piece, outputSize: 7),
                                 "large member in pieces of \(piece), 7 bytes out")
            try TestSupport.withTemporaryDirectory { (dir: String) throws in
                try Members.withFile(bytes, in: dir) { path in
                    Self.expectSameDecision(bytes, path: path, "large member")
                    for size in [2, 4096] {
                        #expect(Self.hashed(path, .isal, bufferSize: size) == Self.hashed(path, .zlib, bufferSize: size))
                    }
                }
            }
        }
    }

    @Test("a member over 4 GiB, whose ISIZE wraps mod 2^32, is accepted by both backends")
    func isizeWraps() throws {
        // 65 × 64 MiB of zeros (4,362,076,160 bytes): one 64 MiB deflate run repeated, then an empty final block.
        let script = #"""
        import sys, zlib, struct
        z = bytes(64 << 20)
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        chunk = c.compress(z) + c.flush(zlib.Z_SYNC_FLUSH)
        crc = 0
        for _ in range(65): crc = zlib.crc32(z, crc)
        sys.stdout.buffer.write(b'\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03' + chunk * 65 + b'\x03\x00'
                                + struct.pack('<II', crc, (65 * len(z)) & 0xffffffff))
        """#
        let bytes = try TestSupport.runChecked(["python3", "-c", script])
        for backend in GzipInflater.Backend.allCases {
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
            defer { scratch.deallocate() }
            let inflater = try GzipInflater(backend: backend)
            var total = 0
            let progress = try bytes.withUnsafeBytes { input in
                try inflater.inflate(input, into: scratch) { total += $0.count; return true }
            }
            #expect(progress == .finished(unusedInput: 0), "\(backend)")
            #expect(total == 65 << 26, "\(backend)")
        }
    }

    @Test("igzip's rejections are decided again by zlib: the in-memory API and the hasher give zlib's words",
          arguments: ["invalid-block-type", "bad-stored-lengths"])
    func rejectionsDecidedByZlib(name: String) throws {
        let bytes = try Members.sample(name)
        guard case .failed(let zlibWords) = Members.stream(bytes, .zlib).ending,
              case .failed(let igzipWords) = Members.stream(bytes, .isal).ending else {
            Issue.record("\(name): both backends should refuse it")
            return
        }
        #expect(igzipWords == "invalid deflate block header")
        #expect(Self.decided(bytes, .isal).message == zlibWords)
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            try Members.withFile(bytes, in: dir) { path in
                #expect(Self.hashed(path, .isal) == .corrupt(zlibWords))
            }
        }
    }

    @Test("consume returning false stops both backends after the same output")
    func consumerStops() throws {
        let bytes = Members.largeMember
        for backend in GzipInflater.Backend.allCases {
            let inflater = try GzipInflater(backend: backend)
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1000, alignment: 1)
            defer { scratch.deallocate() }
            var seen = 0
            let progress = try bytes.withUnsafeBytes { input in
                try inflater.inflate(input, into: scratch) { seen += $0.count; return seen < 5000 }
            }
            #expect(progress == .stopped, "\(backend)")
            #expect(seen == 5000, "\(backend)")
        }
    }

    /// The one known difference between the backends, pinned so that a change in either library shows here.
    ///
    /// A dynamic block may describe a Huffman code that is a valid prefix code but incomplete (some bit patterns
    /// stand for no symbol). zlib refuses the block when it reads the code; igzip (2.30) checks only that the
    /// code is not over-subscribed, and decodes the block as long as the data uses no missing pattern. Standard
    /// encoders (zlib, gzip, igzip) do not write such codes, and zlib decides every stream igzip rejects, so only a
    /// file crafted this way (whose content must still hash to the digest's value) is judged differently:
    /// `invalid_format` by zlib (and the AWS CLI), its content's hash by igzip.
    @Test("the one known difference: igzip inflates a block whose Huffman code is incomplete, zlib refuses it",
          arguments: [("incomplete-litlen-code", "invalid literal/lengths set", "aaaa"),
                      ("incomplete-distance-code", "invalid distances set", "aaaaaaa"),
                      ("incomplete-code-length-code", "invalid code lengths set", "aaaa")])
    func incompleteHuffmanCodes(sample name: String, zlibMessage: String, content: String) throws {
        let bytes = try Members.sample(name)
        #expect(Self.decided(bytes, .zlib) == Decided(message: zlibMessage))
        #expect(Self.decided(bytes, .isal) == Decided(bytes: Array(content.utf8), trailingByteCount: 0))
        #expect(Self.isKnownDifference(zlib: Members.stream(bytes, .zlib).ending, isal: Members.stream(bytes, .isal).ending))
    }
}
#endif
