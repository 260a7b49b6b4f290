import Foundation
import Testing
@testable import CloudTrailVerify

/// What a valid signature does not prove: each check of the signed content against its name, place,
/// labels, times and chain, on hand-made digests and on the vectors that trigger it.
@Suite("What the signature covers")
struct DigestChainConsistencyTests {
    static let bucket = "aws-cloudtrail-logs-111122223333-3f8a2b1c"
    static let folder = "AWSLogs/111122223333/CloudTrail/us-east-1/2025/04/09"
    static let digestKey = "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/04/09/111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_20250409T031136Z.json.gz"
    static let previousKey = "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/04/09/111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_20250409T021136Z.json.gz"
    static let hash = String(repeating: "ab", count: 32)

    static func log(_ name: String = "111122223333_CloudTrail_us-east-1_20250409T0240Z_abcdefgh12345678.json.gz",
                    folder: String = folder, hash: String = hash, algorithm: Any = "SHA-256",
                    oldest: Any = "2025-04-09T02:30:00Z", newest: Any = "2025-04-09T02:39:00Z") -> [String: Any] {
        ["s3Bucket": bucket, "s3Object": folder + "/" + name, "hashValue": hash, "hashAlgorithm": algorithm,
         "oldestEventTime": oldest, "newestEventTime": newest]
    }

    /// A linked digest ending 03:11:36 that passes every check; `change` alters it.
    static func digest(_ change: (inout [String: Any]) -> Void = { _ in }) throws -> DigestFile {
        var fields: [String: Any] = [
            "awsAccountId": "111122223333", "digestStartTime": "2025-04-09T02:11:36Z",
            "digestEndTime": "2025-04-09T03:11:36Z", "digestS3Bucket": bucket, "digestS3Object": digestKey,
            "digestPublicKeyFingerprint": "5fb04c4ec40d26ebd5d669498eef2b08", "digestSignatureAlgorithm": "SHA256withRSA",
            "newestEventTime": "2025-04-09T02:39:00Z", "oldestEventTime": "2025-04-09T02:30:00Z",
            "previousDigestS3Bucket": bucket, "previousDigestS3Object": previousKey, "previousDigestHashValue": hash,
            "previousDigestHashAlgorithm": "SHA-256", "previousDigestSignature": "00ff",
            "logFiles": [log()],
        ]
        change(&fields)
        let json = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
        return try DigestFile(json: Array(json))
    }

    @Test("a clean digest passes every check of its own content")
    func cleanDigestPasses() throws {
        let digest = try Self.digest()
        #expect(DigestChain.algorithmProblem(digest) == nil)
        #expect(DigestChain.timeProblem(digest, key: Self.digestKey) == nil)
        #expect(DigestChain.placeProblem(digest, key: Self.digestKey) == nil)
        #expect(DigestChain.eventTimeProblem(digest) == nil)
        #expect(DigestChain.repeatedLogProblem(digest) == nil)
    }

    @Test("check 5: hash labels other than SHA-256, and values that are not a SHA-256, are refused")
    func hashLabelsAreChecked() throws {
        let cases: [(inout [String: Any]) -> Void] = [
            { $0["previousDigestHashAlgorithm"] = "MD5" },
            { $0["previousDigestHashAlgorithm"] = NSNull() },
            { $0["previousDigestHashValue"] = String(repeating: "ab", count: 20) },
            { $0["logFiles"] = [Self.log(algorithm: "SHA-1")] },
            { $0["logFiles"] = [Self.log(algorithm: NSNull())] },
            { $0["logFiles"] = [Self.log(hash: String(repeating: "zz", count: 32))] },
        ]
        for change in cases {
            #expect(DigestChain.algorithmProblem(try Self.digest(change))?.reason == .unsupportedHashAlgorithm)
        }
        // A chain's first digest has no previous hash, and no label for it.
        let start = try Self.digest {
            for name in ["previousDigestS3Bucket", "previousDigestS3Object", "previousDigestHashValue",
                         "previousDigestHashAlgorithm", "previousDigestSignature"] { $0[name] = NSNull() }
        }
        #expect(DigestChain.algorithmProblem(start) == nil)
    }

    @Test("check 10: upper-case hex is the same value; other characters are not")
    func upperCaseHexIsAccepted() throws {
        let upper = try Self.digest { $0["logFiles"] = [Self.log(hash: Self.hash.uppercased())]; $0["previousDigestHashValue"] = Self.hash.uppercased() }
        #expect(DigestChain.algorithmProblem(upper) == nil)
        #expect(DigestChain.sameHex("00AbCdEf", "00abcdef"))
        #expect(!DigestChain.sameHex("00abcdeg", "00abcdeG"))
        #expect(!DigestChain.sameHex("00ab", "00abcd"))
    }

    @Test("check 1: the name's time and date folders are digestEndTime, the start is before the end, the span about an hour")
    func namesAndTimesAgree() throws {
        let digest = try Self.digest()
        let minuteLater = Self.digestKey.replacingOccurrences(of: "T031136Z", with: "T031236Z")
        #expect(DigestChain.timeProblem(digest, key: minuteLater)?.reason == .timeMismatch)
        let dayBefore = Self.digestKey.replacingOccurrences(of: "2025/04/09", with: "2025/04/08")
        #expect(DigestChain.timeProblem(digest, key: dayBefore)?.reason == .timeMismatch)
        #expect(DigestChain.timeProblem(try Self.digest { $0["digestStartTime"] = "2025-04-09T03:11:36Z" }, key: Self.digestKey)?.reason == .timeMismatch)
        #expect(DigestChain.timeProblem(try Self.digest { $0["digestStartTime"] = "2025-04-09T00:11:36Z" }, key: Self.digestKey)?.reason == .timeMismatch)
        #expect(DigestChain.timeProblem(try Self.digest { $0["digestStartTime"] = "2025-04-09T03:01:36Z" }, key: Self.digestKey)?.reason == .timeMismatch)
        // Drift of a few seconds is normal.
        #expect(DigestChain.timeProblem(try Self.digest { $0["digestStartTime"] = "2025-04-09T02:11:34Z" }, key: Self.digestKey) == nil)
    }

    @Test("check 3: the account is the folder's, and every log lies in the same log folder, named as a log")
    func placeIsChecked() throws {
        #expect(DigestChain.placeProblem(try Self.digest { $0["awsAccountId"] = "444455556666" }, key: Self.digestKey)?.reason == .wrongPlace)
        #expect(DigestChain.placeProblem(try Self.digest { $0["awsAccountId"] = NSNull() }, key: Self.digestKey)?.reason == .wrongPlace)
        let west = Self.log("111122223333_CloudTrail_us-west-2_20250409T0240Z_abcdefgh12345678.json.gz",
                            folder: "AWSLogs/111122223333/CloudTrail/us-west-2/2025/04/09")
        let digestFile = Self.log("x.json.gz", folder: "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/04/09")
        let sidecar = Self.log("111122223333_CloudTrail_us-east-1_20250409T0240Z_abcdefgh12345678.json.gz.metadata.json")
        let prefixed = Self.log(folder: "audit/" + Self.folder)
        for entry in [west, digestFile, sidecar, prefixed] {
            #expect(DigestChain.placeProblem(try Self.digest { $0["logFiles"] = [Self.log(), entry] }, key: Self.digestKey)?.reason == .wrongPlace)
        }
        var otherBucket = Self.log()
        otherBucket["s3Bucket"] = "another-bucket"
        #expect(DigestChain.placeProblem(try Self.digest { $0["logFiles"] = [otherBucket] }, key: Self.digestKey)?.reason == .wrongPlace)
        // A key that climbs out is the log's own finding (unsafe_path), not the digest's.
        let escaping = Self.log("../../../../../../x.json.gz")
        #expect(DigestChain.placeProblem(try Self.digest { $0["logFiles"] = [escaping] }, key: Self.digestKey) == nil)
    }

    @Test("check 6: event times in order, not in the future, not days before the span, and bounded by the digest's")
    func eventTimesFit() throws {
        let cases: [(inout [String: Any]) -> Void] = [
            { $0["logFiles"] = [Self.log(oldest: "2025-04-09T02:40:00Z", newest: "2025-04-09T02:39:00Z")] },
            { $0["logFiles"] = [Self.log(newest: "2025-04-09T03:20:00Z")]; $0["newestEventTime"] = "2025-04-09T03:20:00Z" },
            { $0["logFiles"] = [Self.log(oldest: "2025-04-06T02:30:00Z")]; $0["oldestEventTime"] = "2025-04-06T02:30:00Z" },
            { $0["logFiles"] = [Self.log(oldest: NSNull())] },
            { $0["newestEventTime"] = "2025-04-09T02:35:00Z" },
        ]
        for change in cases {
            #expect(DigestChain.eventTimeProblem(try Self.digest(change))?.reason == .implausibleEventTimes)
        }
        // Late delivery: events somewhat before the digest's start are normal.
        let late = try Self.digest { $0["logFiles"] = [Self.log(oldest: "2025-04-09T01:30:00Z")]; $0["oldestEventTime"] = "2025-04-09T01:30:00Z" }
        #expect(DigestChain.eventTimeProblem(late) == nil)
    }

    @Test("check 4: a log listed twice in one digest; between digests, the one whose span lacks the log's delivery is wrong")
    func logsAreListedOnce() throws {
        #expect(DigestChain.repeatedLogProblem(try Self.digest { $0["logFiles"] = [Self.log(), Self.log()] })?.reason == .logListedTwice)
        #expect(DigestChain.repeatedLogProblem(try Self.digest { $0["logFiles"] = [Self.log(), Self.log(hash: String(repeating: "cd", count: 32))] })?.message.contains("different hashes") == true)
        // Between digests, the one whose span does not hold the log's delivery minute (from its name) is wrong.
        let digest = try Self.digest()
        func entry(_ name: String = "111122223333_CloudTrail_us-east-1_20250409T0240Z_abcdefgh12345678.json.gz") -> DigestFile.LogFileEntry {
            DigestFile.LogFileEntry(location: S3Location(bucket: Self.bucket, key: Self.folder + "/" + name),
                                    expectedSHA256: Self.hash, hashAlgorithm: "SHA-256")
        }
        #expect(DigestChain.delivered(entry(), within: digest))
        #expect(DigestChain.delivered(entry("111122223333_CloudTrail_us-east-1_20250409T0211Z_abcdefgh12345678.json.gz"), within: digest))
        #expect(!DigestChain.delivered(entry("111122223333_CloudTrail_us-east-1_20250409T0210Z_abcdefgh12345678.json.gz"), within: digest))
        #expect(!DigestChain.delivered(entry("111122223333_CloudTrail_us-east-1_20250409T0312Z_abcdefgh12345678.json.gz"), within: digest))
        #expect(!DigestChain.delivered(entry("not-a-cloudtrail-name.json.gz"), within: digest))
    }

    /// Vector → the reason its inconsistent digests get; every other digest of the vector stays valid or is an
    /// expected neighbour (never `off_chain` or `previous_hash_mismatch` because of them).
    static let vectors: [(String, DigestReason)] = [
        ("unsupported-hash-algorithm", .unsupportedHashAlgorithm), ("digest-name-time", .timeMismatch),
        ("digest-wrong-place", .wrongPlace), ("log-listed-twice", .logListedTwice), ("padded-signature", .malformedSignature),
        ("digest-overlap", .overlap), ("event-times", .implausibleEventTimes), ("link-mismatch", .linkMismatch),
        ("spliced-chain", .splice),
    ]

    @Test("checks 1-7 and 9: the finding lands on the inconsistent digest, and every other digest is valid",
          arguments: vectors)
    func blameLandsOnTheInconsistentDigest(name: String, reason: DigestReason) async throws {
        let vector = try TestVectorCatalog.expected(name)
        let report = try await BucketValidator(options: TestVectorCatalog.options(name, vector)).run()
        let flagged = report.digests.filter { $0.status != .valid }
        #expect(!flagged.isEmpty)
        #expect(flagged.allSatisfy { $0.reason == reason }, "\(flagged.map { "\($0.s3URI) \($0.reason?.rawValue ?? "-")" })")
        #expect(report.digests.allSatisfy { $0.reason != .offChain && $0.reason != .previousHashMismatch })
        for entry in flagged {
            // Every finding says why, and its logs are not proven.
            #expect(entry.message?.isEmpty == false)
            #expect(report.logFiles.filter { $0.digest == entry.s3URI }.allSatisfy { $0.status == .unverified })
        }
    }

    @Test("check 8: both branches of a fork are reported whatever their names; only what both list is proven",
          arguments: ["forked-chain", "fork-named-newest"])
    func bothBranchesOfAForkAreReported(name: String) async throws {
        let vector = try TestVectorCatalog.expected(name)
        let report = try await BucketValidator(options: TestVectorCatalog.options(name, vector)).run()
        let branches = report.digests.filter { $0.reason == .fork }
        #expect(branches.count == 2)
        #expect(report.digests.filter { $0.status != .valid }.count == 2)
        let logs = branches.map { branch in Set(report.logFiles.filter { $0.digest == branch.s3URI }.map(\.s3URI)) }
        let shared = logs[0].intersection(logs[1])
        for entry in report.logFiles where branches.contains(where: { $0.s3URI == entry.digest }) {
            #expect(entry.status == (shared.contains(entry.s3URI) ? .valid : .unverified), "\(entry.s3URI)")
        }
        #expect(name != "fork-named-newest" || shared.count == 1)
    }

    @Test("check 2: a hole between linked digests is a gap, with no finding on either digest")
    func holeBetweenLinkedDigestsIsAGap() async throws {
        let vector = try TestVectorCatalog.expected("digest-tiling-hole")
        let report = try await BucketValidator(options: TestVectorCatalog.options("digest-tiling-hole", vector)).run()
        #expect(report.digests.allSatisfy { $0.status == .valid })
        let gap = try #require(report.gaps.first)
        #expect(report.gaps.count == 1)
        let older = try #require(report.digests.first { $0.s3URI == gap.olderDigest })
        let newer = try #require(report.digests.first { $0.s3URI == gap.newerDigest })
        #expect(gap.start == older.digestEndTime && gap.end == newer.digestStartTime)
    }

    @Test("upper-case hex everywhere CloudTrail might write it: no finding")
    func upperCaseHexVectorIsClean() async throws {
        let vector = try TestVectorCatalog.expected("uppercase-hex")
        let report = try await BucketValidator(options: TestVectorCatalog.options("uppercase-hex", vector)).run()
        #expect(report.summary.exitCode == 0)
        #expect(report.digests.allSatisfy { $0.status == .valid })
        #expect(report.logFiles.allSatisfy { $0.status == .valid })
    }

    /// The deleted digests of a vector (missing in its expected.json), and the vector copied to a temporary folder
    /// with junk written under one of their names.
    static func plantJunk(in name: String, at index: Int, in copy: String, unsigned: Bool = false) throws -> (deleted: [String], junk: String) {
        let vector = try TestVectorCatalog.expected(name)
        let deleted = vector.digests.filter { $0.status == "missing" }.map(\.s3URI).sorted()
        try FileManager.default.copyItem(atPath: TestVectorCatalog.folder(name).path, toPath: copy + "/" + name)
        let junk = deleted[index]
        let key = String(junk.dropFirst("s3://\(bucket)/".count))
        let path = copy + "/" + name + "/bucket/" + key
        try TestSupport.createDirectory((path as NSString).deletingLastPathComponent)
        var content = Array(#"{"not":"a digest"}"#.utf8)
        if unsigned {
            // A well-formed digest for that name, with no signature anywhere and null previous* fields.
            let end = try #require(DigestObjectKey(key)).timestamp
            let fields: [String: Any] = [
                "awsAccountId": "111122223333", "digestStartTime": CloudTrailTime.display(end.addingTimeInterval(-3600)),
                "digestEndTime": CloudTrailTime.display(end), "digestS3Bucket": bucket, "digestS3Object": key,
                "digestPublicKeyFingerprint": TestSupport.Clean.fingerprint, "digestSignatureAlgorithm": "SHA256withRSA",
                "newestEventTime": NSNull(), "oldestEventTime": NSNull(), "previousDigestS3Bucket": NSNull(),
                "previousDigestS3Object": NSNull(), "previousDigestHashValue": NSNull(),
                "previousDigestHashAlgorithm": NSNull(), "previousDigestSignature": NSNull(), "logFiles": [Any](),
            ]
            content = Array(try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]))
        }
        try TestSupport.write(try TestSupport.gzip(content), to: path)
        return (deleted, junk)
    }

    @Test("issue 11 item 9: junk or an unsigned digest at any deleted digest's name (newest, middle, oldest) does not hide the other deleted hours",
          arguments: [("deleted-digest-run", 0), ("deleted-digest-run", 1), ("deleted-digest-run", 2),
                      ("truncated-tail", 0), ("truncated-tail", 1)], [false, true])
    func junkDoesNotHideDeletedDigests(vector: (name: String, index: Int), unsigned: Bool) async throws {
        let (name, index) = vector
        try await TestSupport.withTemporaryDirectory { copy in
            let (deleted, junk) = try Self.plantJunk(in: name, at: index, in: copy, unsigned: unsigned)
            let vector = try TestVectorCatalog.expected(name)
            var options = try TestVectorCatalog.options(name, vector)
            options.root = copy + "/" + name + "/bucket"
            if let status = options.trailStatusFile {
                options.trailStatusFile = copy + "/" + name + "/" + (status as NSString).lastPathComponent
            }
            let report = try await BucketValidator(options: options).run()
            let byURI = Dictionary(report.digests.map { ($0.s3URI, $0) }, uniquingKeysWith: { first, _ in first })
            for uri in deleted {
                let entry = try #require(byURI[uri], "\(uri) is not reported")
                if uri == junk {
                    // Unsigned: unverified, or signature_failed when a valid successor's link carries the deleted digest's signature.
                    #expect(unsigned ? entry.status != .valid : entry.status == .invalid && entry.reason == .invalidFormat,
                            "\(uri): \(entry.status) \(entry.reason?.rawValue ?? "-")")
                } else {
                    #expect(entry.status == .missing && entry.reason == .notFound, "\(uri): \(entry.status)")
                }
            }
            // A planted "chain start" proves no gap.
            #expect(report.gaps.isEmpty)
            #expect(report.summary.exitCode == 1)
        }
    }
}
