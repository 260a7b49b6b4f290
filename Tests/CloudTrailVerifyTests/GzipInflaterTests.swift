import Foundation
import Testing
@testable import CloudTrailVerify

@Suite("GzipInflater", .enabled(if: TestSupport.hasGzip && TestSupport.hasOpenSSL))
struct GzipInflaterTests {
    static func failure(_ bytes: [UInt8], limit: Int = 1 << 20) -> GzipInflater.Failure? {
        do {
            _ = try GzipInflater.inflate(bytes, limit: limit)
            return nil
        } catch {
            return error
        }
    }

    @Test("inflates one gzip member in memory with no trailing bytes")
    func inflatesValid() throws {
        let samples = try TestSupport.LogSamples()
        let inflated = try GzipInflater.inflate(samples.gzip, limit: 1 << 20)
        #expect(inflated.bytes == samples.content)
        #expect(inflated.trailingByteCount == 0)
    }

    @Test("counts every byte after the first member as trailing, a second member included")
    func countsTrailingBytes() throws {
        let samples = try TestSupport.LogSamples()
        let junk = try GzipInflater.inflate(samples.junkAfter, limit: 1 << 20)
        #expect(junk.bytes == samples.content)
        #expect(junk.trailingByteCount == 5)
        let two = try samples.twoMembers()
        let concatenated = try GzipInflater.inflate(two, limit: 1 << 20)
        #expect(concatenated.bytes == samples.content)
        #expect(concatenated.trailingByteCount == two.count - samples.gzip.count)
    }

    @Test("a flipped CRC or length in the trailer is an error")
    func corruptTrailer() throws {
        let samples = try TestSupport.LogSamples()
        #expect(Self.failure(samples.flippedCRC)?.message == "incorrect data check")
        #expect(Self.failure(samples.flippedLength)?.message == "incorrect length check")
    }

    @Test("a truncated stream ends early", arguments: [2, 5, 10, 20])
    func truncated(keep: Int) throws {
        let samples = try TestSupport.LogSamples()
        #expect(Self.failure(Array(samples.gzip.prefix(keep)))?.message == "gzip stream ends early")
    }

    @Test("empty input ends early")
    func emptyInput() {
        #expect(Self.failure([])?.message == "gzip stream ends early")
    }

    @Test("input that is not gzip is refused, zlib-wrapped deflate included")
    func notGzip() throws {
        let samples = try TestSupport.LogSamples()
        #expect(Self.failure(samples.content) != nil)
        // zlib format (0x78 0x9c ...) is not accepted: CloudTrail writes gzip only.
        let zlibWrapped = try TestSupport.runChecked(
            ["python3", "-c", "import sys, zlib; sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read()))"],
            input: samples.content)
        #expect(zlibWrapped.first == 0x78)
        #expect(Self.failure(zlibWrapped) != nil)
    }

    @Test("output beyond the limit is refused; output exactly at the limit is not")
    func limit() throws {
        let samples = try TestSupport.LogSamples()
        #expect(Self.failure(samples.gzip, limit: samples.content.count - 1)?.message
            == "inflates to more than \(samples.content.count - 1) bytes")
        #expect(Self.failure(samples.gzip, limit: samples.content.count) == nil)
    }

    @Test("a compression bomb stops at the limit instead of filling memory")
    func compressionBomb() throws {
        // 64 MiB of zeros gzip to about 64 KiB.
        let bomb = try TestSupport.runChecked(
            ["python3", "-c", "import sys, gzip; sys.stdout.buffer.write(gzip.compress(bytes(64 << 20), mtime=0))"])
        #expect(bomb.count < 200_000)
        #expect(Self.failure(bomb, limit: 1 << 20)?.message == "inflates to more than \(1 << 20) bytes")
    }

    @Test("streaming with tiny input and output pieces gives the same bytes", arguments: [1, 3, 64])
    func streamsInPieces(pieceSize: Int) throws {
        let samples = try TestSupport.LogSamples(content: Array(String(repeating: "CloudTrail event ", count: 500).utf8))
        let inflater = try GzipInflater()
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 7, alignment: 1)
        defer { scratch.deallocate() }
        var output: [UInt8] = []
        var finished: GzipInflater.Progress?
        var offset = 0
        while offset < samples.gzip.count {
            let piece = Array(samples.gzip[offset..<min(offset + pieceSize, samples.gzip.count)])
            offset += piece.count
            let progress = try piece.withUnsafeBytes { input in
                try inflater.inflate(input, into: scratch) { output.append(contentsOf: $0); return true }
            }
            if progress != .needsInput {
                finished = progress
                break
            }
        }
        #expect(finished == .finished(unusedInput: 0))
        #expect(offset == samples.gzip.count)
        #expect(output == samples.content)
    }

    @Test("consume returning false stops inflation")
    func consumerStops() throws {
        let samples = try TestSupport.LogSamples(content: TestSupport.pseudoRandomBytes(count: 100_000))
        let inflater = try GzipInflater()
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1024, alignment: 1)
        defer { scratch.deallocate() }
        var calls = 0
        let progress = try samples.gzip.withUnsafeBytes { input in
            try inflater.inflate(input, into: scratch) { _ in calls += 1; return calls < 3 }
        }
        #expect(progress == .stopped)
        #expect(calls == 3)
    }

    @Test("an empty output buffer is refused rather than looping")
    func emptyOutputBuffer() throws {
        let inflater = try GzipInflater()
        let samples = try TestSupport.LogSamples()
        #expect(throws: GzipInflater.Failure.self) {
            try samples.gzip.withUnsafeBytes { input in
                try inflater.inflate(input, into: UnsafeMutableRawBufferPointer(start: nil, count: 0)) { _ in true }
            }
        }
    }

    /// Feeds `input` whole to `inflater`: the output, and the progress or the failure's message.
    static func feed(_ input: [UInt8], to inflater: GzipInflater) -> (output: [UInt8], outcome: String) {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
        defer { scratch.deallocate() }
        var output: [UInt8] = []
        do {
            let progress = try input.withUnsafeBytes { bytes in
                try inflater.inflate(bytes, into: scratch) { output += $0; return true }
            }
            return (output, "\(progress)")
        } catch {
            return (output, (error as? GzipInflater.Failure)?.message ?? "\(error)")
        }
    }

    @Test("reset makes a used inflater, even one that failed, inflate a new member as a new one would",
          arguments: GzipInflater.Backend.allCases)
    func resetIsLikeNew(_ backend: GzipInflater.Backend) throws {
        let samples = try TestSupport.LogSamples(content: TestSupport.pseudoRandomBytes(count: 50_000))
        let other = try TestSupport.LogSamples()
        let reused = try GzipInflater(backend: backend)
        // Corrupt, cut short, junk after, valid: each after a reset, against a fresh inflater's result.
        for input in [samples.flippedCRC, samples.truncated, samples.junkAfter, samples.gzip, other.gzip,
                      samples.headerOnly, samples.flippedLength, other.gzip] {
            try reused.reset()
            let again = Self.feed(input, to: reused)
            let fresh = Self.feed(input, to: try GzipInflater(backend: backend))
            #expect(again.output == fresh.output)
            #expect(again.outcome == fresh.outcome)
        }
        try reused.reset()
        let last = Self.feed(samples.gzip, to: reused)
        #expect(last.output == samples.content)
        #expect(last.outcome == "\(GzipInflater.Progress.finished(unusedInput: 0))")
    }
}
