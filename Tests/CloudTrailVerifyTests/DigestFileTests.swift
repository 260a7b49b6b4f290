import Foundation
import Testing
@testable import CloudTrailVerify

@Suite("DigestFile", .enabled(if: TestSupport.hasGzip && TestSupport.hasOpenSSL))
struct DigestFileTests {
    typealias Clean = TestSupport.Clean

    static func first() throws -> DigestFile {
        try DigestFile(compressed: try TestSupport.bytes(atPath: Clean.firstDigestPath))
    }

    static func second() throws -> DigestFile {
        try DigestFile(compressed: try TestSupport.bytes(atPath: Clean.secondDigestPath))
    }

    /// The first digest's JSON as a mutable object.
    static func firstJSON() throws -> [String: Any] {
        try TestSupport.jsonObject(try TestSupport.gunzip(try TestSupport.bytes(atPath: Clean.firstDigestPath)))
    }

    /// The format problem that parsing `json` (uncompressed) reports, or `nil` when it parses.
    static func problem(json: [UInt8]) -> DigestFile.FormatProblem? {
        do {
            _ = try DigestFile(json: json)
            return nil
        } catch {
            return error
        }
    }

    static func problem(compressed: [UInt8]) -> DigestFile.FormatProblem? {
        do {
            _ = try DigestFile(compressed: compressed)
            return nil
        } catch {
            return error
        }
    }

    /// The first digest with `change` applied, as JSON bytes.
    static func altered(_ change: (inout [String: Any]) -> Void) throws -> [UInt8] {
        var object = try firstJSON()
        change(&object)
        return try TestSupport.jsonBytes(object)
    }

    @Test("parses a vector's digest: times, bucket, object, fingerprint, algorithm and listed log files")
    func parsesVectorDigest() throws {
        let digest = try Self.first()
        #expect(digest.awsAccountId == "111122223333")
        #expect(digest.digestStartTimeText == "2025-03-01T16:09:41Z")
        #expect(digest.digestEndTimeText == "2025-03-01T17:09:41Z")
        #expect(digest.digestStartTime == CloudTrailTime.parse("2025-03-01T16:09:41Z"))
        #expect(digest.digestEndTime == CloudTrailTime.parse("2025-03-01T17:09:41Z"))
        #expect(digest.digestS3Bucket == Clean.bucketName)
        #expect(digest.digestS3Object == Clean.firstDigestKey)
        #expect(digest.publicKeyFingerprint == Clean.fingerprint)
        #expect(digest.signatureAlgorithm == "SHA256withRSA")
        #expect(digest.newestEventTime == "2025-03-01T16:55:56Z")
        #expect(digest.oldestEventTime == "2025-03-01T16:15:49Z")
        #expect(digest.logFiles.count == 3)
        let log = try #require(digest.logFiles.first)
        #expect(log.location == S3Location(bucket: Clean.bucketName, key:
            "AWSLogs/111122223333/CloudTrail/us-east-1/2025/03/01/111122223333_CloudTrail_us-east-1_20250301T1625Z_GzL2cEpVZzAQlxJ4.json.gz"))
        #expect(log.expectedSHA256 == "4a51ece556ef0c2e7873e80e25f843940904bc836499c6e2f86ec59da8acd737")
        #expect(log.hashAlgorithm == "SHA-256")
        #expect(log.oldestEventTime == "2025-03-01T16:15:49Z")
        #expect(log.newestEventTime == "2025-03-01T16:24:20Z")
    }

    @Test("sha256 is over the raw uncompressed bytes, with the escaped \\/ kept")
    func hashIsOverRawBytes() throws {
        let digest = try Self.first()
        let raw = try TestSupport.gunzip(try TestSupport.bytes(atPath: Clean.firstDigestPath))
        #expect(digest.rawJSON == raw)
        #expect(String(decoding: raw, as: UTF8.self).contains("AWSLogs\\/111122223333"))
        #expect(digest.sha256 == (try TestSupport.sha256Hex(raw)))
        // Re-serializing the JSON would drop the escapes and change the hash.
        let reserialized = try TestSupport.jsonBytes(try TestSupport.jsonObject(raw))
        #expect(try TestSupport.sha256Hex(reserialized) != digest.sha256)
    }

    @Test("the next digest's previousDigestHashValue is this digest's sha256")
    func chainLinksByHash() throws {
        let first = try Self.first()
        let second = try Self.second()
        #expect(second.previousDigestHashValue == first.sha256)
        #expect(second.previousDigestHashAlgorithm == "SHA-256")
        #expect(second.previousLocation == S3Location(bucket: Clean.bucketName, key: Clean.firstDigestKey))
    }

    @Test("stringToSign is end time, bucket/key, sha256 and the previous signature, joined by newlines")
    func stringToSignWithPrevious() throws {
        let second = try Self.second()
        let signature = try #require(second.previousDigestSignature)
        #expect(signature.count == 512)
        let expected = "2025-03-01T18:09:41Z\n\(Clean.bucketName)/\(Clean.secondDigestKey)\n\(second.sha256)\n\(signature)"
        #expect(second.stringToSign == Array(expected.utf8))
    }

    @Test("a chain-start digest has null previous fields and \"null\" in its stringToSign")
    func chainStart() throws {
        let first = try Self.first()
        #expect(first.previousDigestSignature == nil)
        #expect(first.previousDigestS3Bucket == nil)
        #expect(first.previousDigestS3Object == nil)
        #expect(first.previousDigestHashValue == nil)
        #expect(first.previousDigestHashAlgorithm == nil)
        #expect(first.previousLocation == nil)
        let expected = "2025-03-01T17:09:41Z\n\(Clean.bucketName)/\(Clean.firstDigestKey)\n\(first.sha256)\nnull"
        #expect(String(decoding: first.stringToSign, as: UTF8.self) == expected)
    }

    @Test("stringToSign uses the end time exactly as written, not re-formatted")
    func stringToSignKeepsTimeText() throws {
        let json = try Self.altered { $0["digestEndTime"] = "2025-03-01T17:09:41.000+00:00" }
        let digest = try DigestFile(json: json)
        #expect(String(decoding: digest.stringToSign, as: UTF8.self).hasPrefix("2025-03-01T17:09:41.000+00:00\n"))
        #expect(digest.digestEndTime == CloudTrailTime.parse("2025-03-01T17:09:41Z"))
    }

    @Test("parses every digest of a clean vector, compressed")
    func parsesAllCleanDigests() throws {
        let root = Clean.bucket
        let enumerator = try #require(FileManager.default.enumerator(atPath: root))
        var count = 0
        while let path = enumerator.nextObject() as? String {
            guard path.hasSuffix(".json.gz"), path.contains("CloudTrail-Digest/") else { continue }
            let digest = try DigestFile(compressed: try TestSupport.bytes(atPath: root + "/" + path))
            #expect(digest.digestS3Object == path)
            count += 1
        }
        #expect(count == 30)
    }

    @Test("an empty logFiles list is fine")
    func emptyLogFiles() throws {
        let digest = try DigestFile(json: try Self.altered { $0["logFiles"] = [Any]() })
        #expect(digest.logFiles.isEmpty)
    }

    @Test("a missing required field is a FormatProblem naming it", arguments: [
        "digestStartTime", "digestEndTime", "digestS3Bucket", "digestS3Object", "digestPublicKeyFingerprint",
        "previousDigestSignature", "logFiles",
    ])
    func missingField(name: String) throws {
        let problem = Self.problem(json: try Self.altered { $0[name] = nil })
        #expect(problem?.message.contains(name) == true, "\(String(describing: problem))")
    }

    @Test("a null required string field is a FormatProblem", arguments: ["digestEndTime", "digestS3Bucket"])
    func nullRequiredField(name: String) throws {
        #expect(Self.problem(json: try Self.altered { $0[name] = NSNull() }) != nil)
    }

    @Test("a field of the wrong type is a FormatProblem", arguments: [
        "digestS3Bucket", "digestEndTime", "digestPublicKeyFingerprint", "digestSignatureAlgorithm",
        "previousDigestSignature", "previousDigestHashValue", "awsAccountId", "newestEventTime",
    ])
    func wrongType(name: String) throws {
        let problem = Self.problem(json: try Self.altered { $0[name] = 42 })
        #expect(problem?.message.contains(name) == true, "\(String(describing: problem))")
    }

    @Test("logFiles that is not an array of complete objects is a FormatProblem")
    func malformedLogFiles() throws {
        #expect(Self.problem(json: try Self.altered { $0["logFiles"] = "none" }) != nil)
        #expect(Self.problem(json: try Self.altered { $0["logFiles"] = [42] }) != nil)
        for field in ["s3Bucket", "s3Object", "hashValue"] {
            let problem = Self.problem(json: try Self.altered { object in
                var entries = object["logFiles"] as! [[String: Any]]
                entries[1][field] = nil
                object["logFiles"] = entries
            })
            #expect(problem?.message == "required field logFiles[1].\(field) is absent")
        }
        let wrongType = Self.problem(json: try Self.altered { object in
            var entries = object["logFiles"] as! [[String: Any]]
            entries[0]["hashAlgorithm"] = 256
            object["logFiles"] = entries
        })
        #expect(wrongType?.message == "logFiles[0].hashAlgorithm is not a string")
    }

    @Test("a time field that is not a time is a FormatProblem")
    func badTime() throws {
        let problem = Self.problem(json: try Self.altered { $0["digestStartTime"] = "yesterday" })
        #expect(problem?.message.contains("digestStartTime") == true)
    }

    @Test("text that is not a JSON object is a FormatProblem", arguments: [
        "", "not json", "{\"digestEndTime\": ", "[]", "42", "null", "\"text\"",
    ])
    func notJSONObject(text: String) {
        #expect(Self.problem(json: Array(text.utf8)) != nil)
    }

    @Test("bytes that are not UTF-8 are a FormatProblem")
    func notUTF8() throws {
        var json = try TestSupport.gunzip(try TestSupport.bytes(atPath: Clean.firstDigestPath))
        json.insert(0xff, at: json.count - 2)
        #expect(Self.problem(json: json)?.message == "not UTF-8 text")
    }

    @Test("compressed input that is not gzip is a FormatProblem")
    func notGzip() throws {
        let raw = try TestSupport.gunzip(try TestSupport.bytes(atPath: Clean.firstDigestPath))
        #expect(Self.problem(compressed: raw)?.message.hasPrefix("not a gzip file") == true)
        #expect(Self.problem(compressed: [])?.message.hasPrefix("not a gzip file") == true)
    }

    @Test("a small gzip of tiny JSON values is refused by the value limit, and one inflating past 32 MiB by the size limit")
    func jsonBombsNameTheirLimit() throws {
        /// `[0,0,…,0]`: commas everywhere, then the brackets and the zeros.
        func zeros(_ count: Int) -> [UInt8] {
            var bytes = [UInt8](repeating: UInt8(ascii: ","), count: 2 * count + 1)
            bytes.withUnsafeMutableBufferPointer { buffer in
                var index = 1
                while index < buffer.count { buffer[index] = UInt8(ascii: "0"); index += 2 }
                buffer[0] = UInt8(ascii: "[")
                buffer[buffer.count - 1] = UInt8(ascii: "]")
            }
            return bytes
        }
        let values = try TestSupport.gzip(zeros(StrictJSON.maximumValueCount + 1))
        #expect(values.count < 10_000)
        #expect(Self.problem(compressed: values)?.message.hasPrefix(
            "JSON over the reader's limit: more than \(StrictJSON.maximumValueCount) values at byte ") == true)
        let size = try TestSupport.gzip(zeros(DigestFile.maximumUncompressedSize / 2 + 1))
        #expect(Self.problem(compressed: size)?.message
            == "inflates to more than \(DigestFile.maximumUncompressedSize) bytes, the limit for a digest")
    }

    @Test("bytes after the gzip stream are a FormatProblem")
    func trailingBytes() throws {
        let compressed = try TestSupport.bytes(atPath: Clean.firstDigestPath)
        #expect(Self.problem(compressed: compressed + [0])?.message == "1 bytes after the end of the gzip stream")
        // A second gzip member counts as trailing bytes too.
        #expect(Self.problem(compressed: compressed + compressed) != nil)
    }

    @Test("a truncated or corrupted gzip stream is a FormatProblem")
    func truncatedGzip() throws {
        let compressed = try TestSupport.bytes(atPath: Clean.firstDigestPath)
        #expect(Self.problem(compressed: Array(compressed.dropLast(10))) != nil)
        var flipped = compressed
        flipped[flipped.count - 8] ^= 0x01  // CRC-32
        #expect(Self.problem(compressed: flipped) != nil)
    }

    @Test("gzip of valid JSON that is not a digest is a FormatProblem")
    func gzipOfWrongJSON() throws {
        let compressed = try TestSupport.gzip(Array("{\"hello\": \"world\"}".utf8))
        #expect(Self.problem(compressed: compressed) != nil)
    }
}

/// The claims read (``DigestFile/claims(compressed:sizeLimit:valueLimit:)``) that the walk's consistency checks
/// gather from every digest of a chain before they start.
@Suite("DigestFile claims")
struct DigestFileClaimsTests {
    /// Every `.json.gz` file under every vector's digest folders.
    static func vectorDigests() throws -> [String] {
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: TestSupport.vectorsDirectory)
        while let relative = enumerator?.nextObject() as? String {
            if relative.contains("CloudTrail-Digest/"), relative.hasSuffix(".json.gz") {
                found.append(TestSupport.vectorsDirectory + "/" + relative)
            }
        }
        return found.sorted()
    }

    @Test("for every digest a full read accepts, the claims are exactly its previous digest and its logs")
    func claimsMatchTheFullRead() throws {
        var compared = 0
        for path in try Self.vectorDigests() {
            guard case .success(let bytes) = RegularFile.read(path, limit: DigestFile.maximumFileSize),
                  let full = try? DigestFile(compressed: bytes) else { continue }
            let claims = try DigestFile.claims(compressed: bytes, sizeLimit: DigestFile.maximumUncompressedSize)
            #expect(claims.previous == full.previousLocation, "\(path)")
            #expect(claims.logs == full.logFiles.map(\.location), "\(path)")
            compared += 1
        }
        #expect(compared > 100)
    }

    @Test("what is not a digest's JSON at all claims nothing; a digest missing other fields still claims its links")
    func claimsOfBrokenDocuments() throws {
        #expect(throws: DigestFile.FormatProblem.self) {
            try DigestFile.claims(compressed: try TestSupport.gzip(Array("not json".utf8)), sizeLimit: 1 << 20)
        }
        #expect(throws: DigestFile.FormatProblem.self) {
            try DigestFile.claims(compressed: try TestSupport.gzip(Array(#"{"logFiles": {}}"#.utf8)), sizeLimit: 1 << 20)
        }
        // A full read refuses this (no times, no signature fields); its claims are still read, and the walk only
        // counts a claim once the claimant's full read is valid.
        let partial = #"{"previousDigestS3Bucket": "b", "previousDigestS3Object": "k", "logFiles": [{"s3Bucket": "b", "s3Object": "l"}]}"#
        let bytes = try TestSupport.gzip(Array(partial.utf8))
        #expect(throws: DigestFile.FormatProblem.self) { try DigestFile(compressed: bytes) }
        let claims = try DigestFile.claims(compressed: bytes, sizeLimit: 1 << 20)
        #expect(claims.previous == S3Location(bucket: "b", key: "k"))
        #expect(claims.logs == [S3Location(bucket: "b", key: "l")])
    }
}
