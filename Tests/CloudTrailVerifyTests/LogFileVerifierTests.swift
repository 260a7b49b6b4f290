import Foundation
import Testing
@testable import CloudTrailVerify

@Suite("LogFileVerifier", .enabled(if: TestSupport.hasGzip && TestSupport.hasOpenSSL))
struct LogFileVerifierTests {
    static let bucket = "test-bucket"

    /// A bucket folder holding one log of each shape, keyed by a short name.
    struct Fixture {
        let root: String
        let samples: TestSupport.LogSamples
        let verifier: LogFileVerifier

        static let folder = "AWSLogs/111122223333/CloudTrail/us-east-1/2025/03/01/"

        init(root: String, concurrency: Int = 2) throws {
            self.root = root
            samples = try TestSupport.LogSamples()
            verifier = LogFileVerifier(roots: BucketRoots([LogFileVerifierTests.bucket: root]), concurrency: concurrency)
            try TestSupport.createDirectory(root + "/" + Self.folder)
            let files: [String: [UInt8]] = [
                "valid": samples.gzip,
                "two-members": try samples.twoMembers(),
                "junk-after": samples.junkAfter,
                "flipped-crc": samples.flippedCRC,
                "truncated": samples.truncated,
                "empty": [],
                "uncompressed": samples.content,
            ]
            for (name, bytes) in files {
                try TestSupport.write(bytes, to: root + "/" + Self.folder + name + ".json.gz")
            }
            try TestSupport.createDirectory(root + "/" + Self.folder + "directory.json.gz")
        }

        func location(_ name: String) -> S3Location {
            S3Location(bucket: LogFileVerifierTests.bucket, key: Self.folder + name + ".json.gz")
        }

        func verify(_ name: String, expected: String? = nil) -> LogFileVerifier.Verdict {
            verifier.verify(location: location(name), expectedSHA256: expected ?? samples.contentSHA256)
        }
    }

    static func withFixture<T>(concurrency: Int = 2, _ body: (Fixture) throws -> T) throws -> T {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in try body(try Fixture(root: dir, concurrency: concurrency)) }
    }

    @Test("a valid gzip log whose hash matches is valid, with no reason or note")
    func valid() throws {
        try Self.withFixture { fixture in
            let verdict = fixture.verify("valid")
            #expect(verdict.status == .valid)
            #expect(verdict.reason == nil)
            #expect(verdict.note == nil)
        }
    }

    @Test("the expected hash is compared case-insensitively")
    func upperCaseExpectedHash() throws {
        try Self.withFixture { fixture in
            #expect(fixture.verify("valid", expected: fixture.samples.contentSHA256.uppercased()).status == .valid)
        }
    }

    @Test("a hash that does not match is invalid: hash_mismatch, naming both hashes")
    func hashMismatch() throws {
        try Self.withFixture { fixture in
            let wrong = String(repeating: "0", count: 64)
            let verdict = fixture.verify("valid", expected: wrong)
            #expect(verdict.status == .invalid)
            #expect(verdict.reason == .hashMismatch)
            #expect(verdict.message == "hash value doesn't match (expected \(wrong), found \(fixture.samples.contentSHA256))")
        }
    }

    @Test("a concatenated two-member gzip and junk after the stream are invalid: trailing_data",
          arguments: ["two-members", "junk-after"])
    func trailingData(name: String) throws {
        try Self.withFixture { fixture in
            let verdict = fixture.verify(name)
            #expect(verdict.status == .invalid)
            #expect(verdict.reason == .trailingData)
            #expect(verdict.note == nil)
        }
    }

    @Test("a flipped CRC, a truncated stream and a directory are invalid: invalid_format",
          arguments: ["flipped-crc", "truncated", "directory"])
    func invalidFormat(name: String) throws {
        try Self.withFixture { fixture in
            let verdict = fixture.verify(name)
            #expect(verdict.status == .invalid)
            #expect(verdict.reason == .invalidFormat)
            #expect(verdict.message?.hasPrefix("invalid format") == true)
        }
    }

    @Test("an empty file is invalid_format even when the digest lists the empty hash")
    func emptyFile() throws {
        try Self.withFixture { fixture in
            let emptyHash = try TestSupport.sha256Hex([])
            for expected in [fixture.samples.contentSHA256, emptyHash] {
                let verdict = fixture.verify("empty", expected: expected)
                #expect(verdict.status == .invalid)
                #expect(verdict.reason == .invalidFormat)
                #expect(verdict.message == "invalid format: empty file")
            }
        }
    }

    @Test("an uncompressed log whose bytes hash to the digest's value is valid with note stored_uncompressed")
    func storedUncompressed() throws {
        try Self.withFixture { fixture in
            let verdict = fixture.verify("uncompressed")
            #expect(verdict.status == .valid)
            #expect(verdict.reason == nil)
            #expect(verdict.note == .storedUncompressed)
        }
    }

    @Test("an uncompressed log whose bytes do not match is invalid: invalid_format")
    func uncompressedMismatch() throws {
        try Self.withFixture { fixture in
            let verdict = fixture.verify("uncompressed", expected: String(repeating: "a", count: 64))
            #expect(verdict.status == .invalid)
            #expect(verdict.reason == .invalidFormat)
            #expect(verdict.note == nil)
        }
    }

    @Test("a missing log is missing: not_found")
    func missing() throws {
        try Self.withFixture { fixture in
            let verdict = fixture.verify("absent")
            #expect(verdict.status == .missing)
            #expect(verdict.reason == .notFound)
        }
    }

    @Test("a log in a bucket with no local copy is missing: not_found, naming the bucket")
    func unknownBucket() throws {
        try Self.withFixture { fixture in
            let verdict = fixture.verifier.verify(location: S3Location(bucket: "other-bucket", key: "AWSLogs/x.json.gz"),
                                                  expectedSHA256: fixture.samples.contentSHA256)
            #expect(verdict.status == .missing)
            #expect(verdict.reason == .notFound)
            #expect(verdict.message?.contains("other-bucket") == true)
        }
    }

    @Test("a key that would leave the bucket folder is refused unopened: unsafe_path", arguments: [
        "../outside.json.gz", "AWSLogs/../../etc/passwd", "/etc/passwd", "AWSLogs//x.json.gz", "AWSLogs/%2e%2e/x.json.gz",
    ])
    func unsafeKey(key: String) throws {
        try Self.withFixture { fixture in
            let verdict = fixture.verifier.verify(location: S3Location(bucket: LogFileVerifierTests.bucket, key: key),
                                                  expectedSHA256: fixture.samples.contentSHA256)
            #expect(verdict.status == .invalid)
            #expect(verdict.reason == .unsafePath)
            #expect(verdict.message?.hasPrefix("unsafe path") == true)
        }
    }

    @Test("the committed clean vector's logs are all valid")
    func vectorLogsAreValid() async throws {
        let digest = try DigestFile(compressed: try TestSupport.bytes(atPath: TestSupport.Clean.firstDigestPath))
        let verifier = LogFileVerifier(roots: BucketRoots([TestSupport.Clean.bucketName: TestSupport.Clean.bucket]))
        let verdicts = await verifier.verify(digest.logFiles.map { ($0.location, $0.expectedSHA256) })
        #expect(verdicts.count == digest.logFiles.count)
        #expect(verdicts.allSatisfy { $0.status == .valid })
    }

    @Test("the committed vectors' damaged logs get their documented verdicts", arguments: [
        ("tampered-log", LogFileReason.hashMismatch), ("corrupt-gzip-log", .invalidFormat), ("trailing-data-log", .trailingData),
    ])
    func vectorDamagedLogs(name: String, reason: LogFileReason) async throws {
        let expected = try TestSupport.jsonObject(try TestSupport.bytes(atPath: TestSupport.vector(name) + "/expected.json"))
        let logFiles = try #require(expected["logFiles"] as? [[String: Any]])
        let wantedURI = try #require(logFiles.first { $0["reason"] as? String == reason.rawValue }?["s3Uri"] as? String)
        // Find the digest that lists the damaged log, and check it with the hash that digest gives.
        let root = TestSupport.vector(name) + "/bucket"
        let enumerator = try #require(FileManager.default.enumerator(atPath: root))
        var found = false
        while let path = enumerator.nextObject() as? String {
            guard path.hasSuffix(".json.gz"), path.contains("CloudTrail-Digest/"),
                  let digest = try? DigestFile(compressed: try TestSupport.bytes(atPath: root + "/" + path)),
                  let entry = digest.logFiles.first(where: { $0.location.uri == wantedURI }) else { continue }
            let verifier = LogFileVerifier(roots: BucketRoots([entry.location.bucket: root]))
            let verdict = verifier.verify(location: entry.location, expectedSHA256: entry.expectedSHA256)
            #expect(verdict.status == .invalid)
            #expect(verdict.reason == reason)
            found = true
            break
        }
        #expect(found)
    }

    @Test("a log reached through a symbolic link that leads out of the bucket is refused: unsafe_path")
    func symlinkOut() throws {
        try Self.withFixture { fixture in
            let outside = try TestSupport.makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: outside) }
            try TestSupport.write(fixture.samples.gzip, to: outside + "/secret.json.gz")
            try FileManager.default.createSymbolicLink(atPath: fixture.root + "/" + Fixture.folder + "link.json.gz",
                                                       withDestinationPath: outside + "/secret.json.gz")
            let verdict = fixture.verify("link")
            #expect(verdict.status == .invalid)
            #expect(verdict.reason == .unsafePath)
        }
    }

    @Test("a log reached through a symbolic link that stays inside the bucket is checked as usual")
    func symlinkInside() throws {
        try Self.withFixture { fixture in
            try FileManager.default.createSymbolicLink(atPath: fixture.root + "/" + Fixture.folder + "alias.json.gz",
                                                       withDestinationPath: "valid.json.gz")
            #expect(fixture.verify("alias").status == .valid)
        }
    }

    // MARK: Batches

    static let batchNames = ["valid", "absent", "two-members", "flipped-crc", "uncompressed", "empty", "junk-after",
                             "truncated", "directory", "valid", "valid", "absent"]

    @Test("the async batch keeps input order and agrees with one-at-a-time checks", arguments: [1, 4, 32])
    func batchKeepsOrder(concurrency: Int) async throws {
        let dir = try TestSupport.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fixture = try Fixture(root: dir, concurrency: concurrency)
        // Repeat the mix so workers interleave, and vary the expected hash so a mix-up shows.
        var checks: [(location: S3Location, expectedSHA256: String)] = []
        for round in 0..<5 {
            for (index, name) in Self.batchNames.enumerated() {
                let expected = (round + index) % 3 == 0 ? String(repeating: "f", count: 64) : fixture.samples.contentSHA256
                checks.append((fixture.location(name), expected))
            }
        }
        let verdicts = await fixture.verifier.verify(checks)
        #expect(verdicts.count == checks.count)
        let one = checks.map { fixture.verifier.verify(location: $0.location, expectedSHA256: $0.expectedSHA256) }
        #expect(verdicts == one)
        #expect(verdicts.map(\.status).contains(.valid))
        #expect(verdicts.map(\.reason).contains(.hashMismatch))
    }

    @Test("an empty batch returns no verdicts")
    func emptyBatch() async throws {
        let verifier = LogFileVerifier(roots: BucketRoots([:]), concurrency: 4)
        #expect(await verifier.verify([]).isEmpty)
    }

    @Test("a concurrency below one is raised to one")
    func concurrencyFloor() async throws {
        let dir = try TestSupport.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let samples = try TestSupport.LogSamples()
        try TestSupport.write(samples.gzip, to: dir + "/a.json.gz")
        let verifier = LogFileVerifier(roots: BucketRoots(["b": dir]), concurrency: 0)
        let verdicts = await verifier.verify([(S3Location(bucket: "b", key: "a.json.gz"), samples.contentSHA256)])
        #expect(verdicts.map(\.status) == [.valid])
    }
}
