import Foundation
import Testing
@testable import CloudTrailVerify

@Suite("LogFileHasher", .enabled(if: TestSupport.hasGzip && TestSupport.hasOpenSSL))
struct LogFileHasherTests {
    /// Writes `bytes` to a file in `dir` and hashes it with a fresh hasher.
    static func outcome(of bytes: [UInt8], in dir: String, bufferSize: Int = 256 * 1024) throws -> LogFileDigestOutcome {
        let path = dir + "/" + UUID().uuidString + ".json.gz"
        try TestSupport.write(bytes, to: path)
        return LogFileHasher(bufferSize: bufferSize).digest(path: path)
    }

    static func unhexed(_ hex: String) -> [UInt8] { TestSupport.unhex(hex) }

    @Test("a valid gzip file hashes to the SHA-256 of its uncompressed bytes")
    func validGzip() throws {
        let samples = try TestSupport.LogSamples()
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            #expect(try Self.outcome(of: samples.gzip, in: dir) == .gzip(sha256: Self.unhexed(samples.contentSHA256)))
        }
    }

    @Test("a concatenated two-member gzip is trailing data")
    func twoMembers() throws {
        let samples = try TestSupport.LogSamples()
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            #expect(try Self.outcome(of: try samples.twoMembers(), in: dir)
                == .gzipWithTrailingData(sha256: Self.unhexed(samples.contentSHA256)))
        }
    }

    @Test("junk or zero padding after the stream is trailing data")
    func junkAfter() throws {
        let samples = try TestSupport.LogSamples()
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let expected = LogFileDigestOutcome.gzipWithTrailingData(sha256: Self.unhexed(samples.contentSHA256))
            #expect(try Self.outcome(of: samples.junkAfter, in: dir) == expected)
            #expect(try Self.outcome(of: samples.gzip + [0, 0, 0, 0], in: dir) == expected)
            #expect(try Self.outcome(of: samples.gzip + [0], in: dir) == expected)
        }
    }

    @Test("trailing data that starts exactly at a read-buffer boundary is still found")
    func trailingDataAtBufferBoundary() throws {
        let samples = try TestSupport.LogSamples()
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let outcome = try Self.outcome(of: samples.junkAfter, in: dir, bufferSize: samples.gzip.count)
            #expect(outcome == .gzipWithTrailingData(sha256: Self.unhexed(samples.contentSHA256)))
            let clean = try Self.outcome(of: samples.gzip, in: dir, bufferSize: samples.gzip.count)
            #expect(clean == .gzip(sha256: Self.unhexed(samples.contentSHA256)))
        }
    }

    @Test("a flipped CRC or length is corrupt")
    func flippedTrailer() throws {
        let samples = try TestSupport.LogSamples()
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            #expect(try Self.outcome(of: samples.flippedCRC, in: dir) == .corrupt("incorrect data check"))
            #expect(try Self.outcome(of: samples.flippedLength, in: dir) == .corrupt("incorrect length check"))
        }
    }

    @Test("damaged deflate data is corrupt")
    func damagedDeflate() throws {
        let samples = try TestSupport.LogSamples(content: TestSupport.pseudoRandomBytes(count: 5000))
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            var bytes = samples.gzip
            // A stored/fixed block of random data: flip the block header so the deflate data is invalid.
            bytes[10] = 0xff
            let outcome = try Self.outcome(of: bytes, in: dir)
            guard case .corrupt = outcome else {
                Issue.record("expected .corrupt, got \(outcome)")
                return
            }
        }
    }

    @Test("a truncated stream is truncated", arguments: ["trailer cut", "header only", "magic only"])
    func truncated(kind: String) throws {
        let samples = try TestSupport.LogSamples()
        let bytes: [UInt8]
        switch kind {
        case "trailer cut": bytes = samples.truncated
        case "header only": bytes = samples.headerOnly
        default: bytes = [0x1f, 0x8b]
        }
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            #expect(try Self.outcome(of: bytes, in: dir) == .truncated)
        }
    }

    @Test("an empty file is not gzip and empty")
    func emptyFile() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let outcome = try Self.outcome(of: [], in: dir)
            #expect(outcome == .notGzip(sha256: Self.unhexed(try TestSupport.sha256Hex([])), isEmpty: true))
        }
    }

    @Test("uncompressed JSON is not gzip, hashed as stored")
    func uncompressed() throws {
        let samples = try TestSupport.LogSamples()
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            #expect(try Self.outcome(of: samples.content, in: dir)
                == .notGzip(sha256: Self.unhexed(samples.contentSHA256), isEmpty: false))
        }
    }

    @Test("a one-byte file, even the first gzip magic byte, is not gzip")
    func oneByte() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            for byte: UInt8 in [0x1f, 0x7b] {
                let outcome = try Self.outcome(of: [byte], in: dir)
                #expect(outcome == .notGzip(sha256: Self.unhexed(try TestSupport.sha256Hex([byte])), isEmpty: false))
            }
        }
    }

    @Test("a missing file, or a path through a file, is not found")
    func missing() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            #expect(LogFileHasher().digest(path: dir + "/absent.json.gz") == .notFound)
            try TestSupport.write("x", to: dir + "/file")
            #expect(LogFileHasher().digest(path: dir + "/file/child.json.gz") == .notFound)
        }
    }

    @Test("a directory is unreadable")
    func directory() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            try TestSupport.createDirectory(dir + "/folder.json.gz")
            #expect(LogFileHasher().digest(path: dir + "/folder.json.gz") == .unreadable("not a regular file"))
        }
    }

    @Test("a file without read permission is unreadable", .enabled(if: getuid() != 0, "root reads any file"))
    func noPermission() throws {
        let samples = try TestSupport.LogSamples()
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = dir + "/locked.json.gz"
            try TestSupport.write(samples.gzip, to: path)
            try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: path)
            guard case .unreadable = LogFileHasher().digest(path: path) else {
                Issue.record("expected .unreadable")
                return
            }
        }
    }

    @Test("a named pipe is refused without blocking", .enabled(if: TestSupport.hasPython3))
    func namedPipe() async throws {
        try await TestSupport.withTemporaryDirectory { (dir: String) async throws in
            let path = dir + "/pipe.json.gz"
            try TestSupport.runChecked(["python3", "-c", "import os, sys; os.mkfifo(sys.argv[1])", path])
            let done = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var outcome: LogFileDigestOutcome?
            Thread.detachNewThread {
                outcome = LogFileHasher().digest(path: path)
                done.signal()
            }
            let returned = done.wait(timeout: .now() + 3) == .success
            if !returned {
                // Release the blocked open(2) so the thread can end: open for writing, then close.
                let writer = open(path, O_WRONLY | O_NONBLOCK)
                if writer >= 0 { close(writer) }
                done.wait()
            }
            #expect(returned, "digest(path:) blocked on a FIFO")
            #expect(outcome == .unreadable("not a regular file"))
        }
    }

    @Test("a stream bigger than the buffers hashes right", arguments: [256 * 1024, 4096, 2])
    func largeStream(bufferSize: Int) throws {
        // About 6 MB: incompressible bytes interleaved with repetitive text, so both
        // the input and the output side cross many buffer boundaries.
        var content: [UInt8] = []
        let noise = TestSupport.pseudoRandomBytes(count: 3 << 20)
        let text = Array(String(repeating: "{\"eventName\":\"PutObject\",\"eventSource\":\"s3.amazonaws.com\"}\n", count: 50_000).utf8)
        for chunk in 0..<12 {
            content += noise[(chunk * (noise.count / 12))..<((chunk + 1) * (noise.count / 12))]
            content += text[(chunk * (text.count / 12))..<((chunk + 1) * (text.count / 12))]
        }
        #expect(content.count > 5_000_000)
        let samples = try TestSupport.LogSamples(content: content)
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            #expect(try Self.outcome(of: samples.gzip, in: dir, bufferSize: bufferSize)
                == .gzip(sha256: Self.unhexed(samples.contentSHA256)))
            #expect(try Self.outcome(of: samples.gzip + [0x0a], in: dir, bufferSize: bufferSize)
                == .gzipWithTrailingData(sha256: Self.unhexed(samples.contentSHA256)))
            #expect(try Self.outcome(of: Array(samples.gzip.dropLast(1000)), in: dir, bufferSize: bufferSize) == .truncated)
        }
    }

    @Test("a large uncompressed file is hashed as stored across many reads")
    func largeUncompressed() throws {
        let content = Array(String(repeating: "{\"Records\":[]}\n", count: 100_000).utf8)
        let sha = try TestSupport.sha256Hex(content)
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            #expect(try Self.outcome(of: content, in: dir, bufferSize: 4096) == .notGzip(sha256: Self.unhexed(sha), isEmpty: false))
        }
    }

    @Test("one hasher reused for many files gives each its own hash, even after a failure")
    func reuse() throws {
        let a = try TestSupport.LogSamples()
        let b = try TestSupport.LogSamples(content: Array("second log".utf8))
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let paths = ["a", "b", "bad", "plain", "a2"].map { dir + "/" + $0 }
            try TestSupport.write(a.gzip, to: paths[0])
            try TestSupport.write(b.gzip, to: paths[1])
            try TestSupport.write(a.flippedCRC, to: paths[2])
            try TestSupport.write(b.content, to: paths[3])
            try TestSupport.write(a.gzip, to: paths[4])
            let hasher = LogFileHasher(bufferSize: 16)
            #expect(hasher.digest(path: paths[0]) == .gzip(sha256: Self.unhexed(a.contentSHA256)))
            #expect(hasher.digest(path: paths[2]) == .corrupt("incorrect data check"))
            #expect(hasher.digest(path: paths[1]) == .gzip(sha256: Self.unhexed(b.contentSHA256)))
            #expect(hasher.digest(path: paths[3]) == .notGzip(sha256: Self.unhexed(b.contentSHA256), isEmpty: false))
            #expect(hasher.digest(path: paths[4]) == .gzip(sha256: Self.unhexed(a.contentSHA256)))
        }
    }

    @Test("the committed vector logs hash to what their digests list")
    func vectorLogs() throws {
        let digest = try DigestFile(compressed: try TestSupport.bytes(atPath: TestSupport.Clean.firstDigestPath))
        let hasher = LogFileHasher()
        for entry in digest.logFiles {
            let outcome = hasher.digest(path: TestSupport.Clean.bucket + "/" + entry.location.key)
            #expect(outcome == .gzip(sha256: Self.unhexed(entry.expectedSHA256)))
        }
    }

    @Test("one hasher reused over damaged and valid files in turn gives each the outcome a new hasher gives",
          arguments: GzipInflater.Backend.allCases)
    func reusedHasher(_ backend: GzipInflater.Backend) throws {
        let samples = try TestSupport.LogSamples(content: TestSupport.pseudoRandomBytes(count: 300_000))
        let small = try TestSupport.LogSamples()
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let inputs = [samples.gzip, samples.flippedCRC, small.gzip, samples.truncated, samples.junkAfter,
                          small.flippedLength, samples.gzip, Array("plain".utf8), [], small.gzip]
            let hasher = LogFileHasher(bufferSize: 4096, backend: backend)
            for (index, input) in inputs.enumerated() {
                let path = dir + "/\(index).json.gz"
                try TestSupport.write(input, to: path)
                #expect(hasher.digest(path: path) == LogFileHasher(bufferSize: 4096, backend: backend).digest(path: path),
                        "input \(index)")
            }
        }
    }

    @Test("a file opened by name in its folder hashes as by path; a link there is left to the caller")
    func openedByName() throws {
        let samples = try TestSupport.LogSamples()
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            try TestSupport.write(samples.gzip, to: dir + "/log.json.gz")
            try FileManager.default.createSymbolicLink(atPath: dir + "/link.json.gz", withDestinationPath: "log.json.gz")
            let folder = DirectoryHandle(resolvedPath: dir)
            #expect(folder.descriptor >= 0)
            let hasher = LogFileHasher()
            #expect(hasher.digest(named: "log.json.gz", in: folder) == hasher.digest(path: dir + "/log.json.gz"))
            #expect(hasher.digest(named: "link.json.gz", in: folder) == nil)
            #expect(hasher.digest(named: "absent.json.gz", in: folder) == .notFound)
            try TestSupport.createDirectory(dir + "/folder.json.gz")
            #expect(hasher.digest(named: "folder.json.gz", in: folder) == .unreadable("not a regular file"))
        }
    }
}
