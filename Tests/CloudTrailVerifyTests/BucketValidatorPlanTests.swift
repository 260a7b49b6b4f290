import Foundation
import Testing
@testable import CloudTrailVerify

/// The user's mistakes the plan catches before the first line of a report: a ROOT above or inside
/// the bucket copy, keys that check no digest, a time window outside what is on disk. Each stops
/// the run (exit 2) with one line saying what to do, instead of a tampering verdict.
@Suite("BucketValidator plan: user mistakes")
struct BucketValidatorPlanTests {
    static let cleanKeys = TestSupport.vector("clean-multi-day") + "/keys"

    /// Runs the validator and returns the error it stops with (`nil` when it ran).
    static func runError(_ options: ValidationOptions) async -> CloudTrailVerifyError? {
        do {
            _ = try await BucketValidator(options: options).run()
            return nil
        } catch {
            return error
        }
    }

    /// Copies a vector's bucket folder (or a folder inside it) to `target`, creating its parents.
    static func copy(_ vector: String, _ inside: String = "", to target: String) throws {
        try TestSupport.createDirectory((target as NSString).deletingLastPathComponent)
        try TestSupport.runChecked(["cp", "-a", TestSupport.vector(vector) + "/bucket" + inside, target])
    }

    // MARK: ROOT above the copy

    @Test("ROOT one or more folders above the bucket copy stops the run naming the copy's folder",
          arguments: [("clean-multi-day", "copy"), ("clean-multi-day", "a/copy"), ("clean-multi-day", "a/b/c/copy"),
                      ("org-trail", "AWSLogs"), ("two-trails", "x/o-a1b2c3d4e5"), ("backfill-digests", "copy")])
    func rootAbove(vector: String, path: String) async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            try Self.copy(vector, to: folder + "/" + path)
            let error = await Self.runError(ValidationOptions(root: folder, publicKeys: [PublicKeySource(path: TestSupport.vector(vector) + "/keys")]))
            #expect(error?.code == .misplacedRoot)
            #expect(error?.message.contains("above the bucket copy") == true)
            #expect(error?.message.contains("at \(folder)/\(path); pass that folder as ROOT") == true, "\(error?.description ?? "")")
        }
    }

    @Test("ROOT above a copy of a bucket whose trail writes under an S3 prefix names the copy, not the prefix")
    func rootAboveWithPrefix() async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            try Self.copy("s3-prefix", to: folder + "/x/y")
            let error = await Self.runError(ValidationOptions(root: folder, publicKeys: [PublicKeySource(path: TestSupport.vector("s3-prefix") + "/keys")]))
            #expect(error?.code == .misplacedRoot)
            #expect(error?.message.contains("at \(folder)/x/y;") == true, "\(error?.description ?? "")")
        }
    }

    @Test("ROOT above two bucket copies names both")
    func rootAboveTwoCopies() async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            try Self.copy("clean-multi-day", to: folder + "/one")
            try Self.copy("multi-region", to: folder + "/two")
            let error = await Self.runError(ValidationOptions(root: folder, publicKeys: [
                PublicKeySource(path: Self.cleanKeys), PublicKeySource(path: TestSupport.vector("multi-region") + "/keys"),
            ]))
            #expect(error?.code == .misplacedRoot)
            #expect(error?.message.contains("\(folder)/one, \(folder)/two") == true, "\(error?.description ?? "")")
        }
    }

    // MARK: ROOT inside the copy

    @Test("ROOT a folder inside the bucket copy, at any depth, stops the run naming the copy's root",
          arguments: ["/AWSLogs", "/AWSLogs/111122223333", "/AWSLogs/111122223333/CloudTrail-Digest",
                      "/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/03/01"])
    func rootInside(inside: String) async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            try Self.copy("clean-multi-day", to: folder + "/copy")
            let copy = folder + "/copy"
            let error = await Self.runError(ValidationOptions(root: folder + "/copy" + inside,
                                                              publicKeys: [PublicKeySource(path: Self.cleanKeys)]))
            #expect(error?.code == .misplacedRoot)
            #expect(error?.message.contains("inside the bucket copy") == true)
            #expect(error?.message.hasSuffix("pass \(copy) as ROOT") == true, "\(error?.description ?? "")")
        }
    }

    @Test("ROOT inside a prefixed copy (its prefix folders, or the account folders under them) names the copy's root",
          arguments: ["/audit", "/audit/prod", "/audit/prod/AWSLogs/111122223333"])
    func rootInsidePrefix(inside: String) async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            try Self.copy("s3-prefix", to: folder + "/copy")
            let copy = folder + "/copy"
            let error = await Self.runError(ValidationOptions(root: folder + "/copy" + inside,
                                                              publicKeys: [PublicKeySource(path: TestSupport.vector("s3-prefix") + "/keys")]))
            #expect(error?.code == .misplacedRoot)
            #expect(error?.message.hasSuffix("pass \(copy) as ROOT") == true, "\(error?.description ?? "")")
        }
    }

    @Test("a copy made without its S3 prefix's folders (aws s3 sync s3://B/P DIR) says the prefix is missing")
    func prefixFoldersMissing() async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            try Self.copy("s3-prefix", "/audit/prod", to: folder + "/flat")
            let error = await Self.runError(ValidationOptions(root: folder + "/flat",
                                                              publicKeys: [PublicKeySource(path: TestSupport.vector("s3-prefix") + "/keys")]))
            #expect(error?.code == .misplacedRoot)
            #expect(error?.message.contains("without that prefix's folders") == true, "\(error?.description ?? "")")
            #expect(error?.message.contains("DIR/audit/prod/") == true)
        }
    }

    @Test("the placement of ROOT is read from a digest's own key, byte for byte")
    func placementFromKeys() {
        typealias Placement = BucketValidator.RootPlacement
        let key = "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/03/01/d.json.gz"
        #expect(Placement(path: key, digestS3Object: key) == .right)
        #expect(Placement(path: "x/y/" + key, digestS3Object: key) == .above("x/y"))
        #expect(Placement(path: String(key.dropFirst("AWSLogs/".count)), digestS3Object: key) == .inside("AWSLogs/"))
        // Not at a folder boundary, or another key: a moved digest, a finding.
        #expect(Placement(path: "xAWSLogs/" + key.dropFirst("AWSLogs/".count), digestS3Object: key) == .unrelated)
        #expect(Placement(path: "Logs/111122223333/CloudTrail-Digest/us-east-1/2025/03/01/d.json.gz", digestS3Object: key) == .unrelated)
        #expect(Placement(path: key.replacingOccurrences(of: "d.json", with: "e.json"), digestS3Object: key) == .unrelated)
        // Composed and decomposed é are different keys.
        #expect(Placement(path: "caf\u{E9}/" + key, digestS3Object: key) == .above("caf\u{E9}"))
        #expect(Placement(path: "cafe\u{301}/" + key, digestS3Object: "caf\u{E9}/" + key) == .unrelated)
    }

    // MARK: Keys that check no digest

    @Test("keys of another region, bound to this one, check no digest: exit 2 naming the region, the fingerprints, the keys and the fix")
    func keysOfAnotherRegion() async throws {
        let otherKeys = TestSupport.vector("key-other-region") + "/keys/us-west-2.json"
        let error = await Self.runError(ValidationOptions(root: TestSupport.Clean.bucket,
                                                          publicKeys: [PublicKeySource(path: otherKeys, region: "us-east-1")]))
        #expect(error?.code == .keysMatchNoDigest)
        let message = error?.message ?? ""
        #expect(message.contains("no public key loaded can check any digest of region us-east-1"))
        #expect(message.contains("its 30 digests in range name the key fingerprint \(TestSupport.Clean.fingerprint);"))
        #expect(message.contains("\(otherKeys) (us-east-1: "))
        #expect(message.contains("valid 2025-01-01T00:00:00Z to 2025-07-01T00:00:00Z"))
        #expect(message.hasSuffix("aws cloudtrail list-public-keys --region us-east-1 --start-time 2025-03-01T00:00:00Z > keys/us-east-1.json"))
    }

    @Test("key files named after each other's regions: exit 2, and the line says where the fingerprint is loaded")
    func swappedKeyFiles() async throws {
        let otherKeys = TestSupport.vector("key-other-region") + "/keys/us-west-2.json"
        let error = await Self.runError(ValidationOptions(root: TestSupport.Clean.bucket, publicKeys: [
            PublicKeySource(path: otherKeys, region: "us-east-1"), PublicKeySource(path: TestSupport.Clean.keyFile, region: "us-west-2"),
        ]))
        #expect(error?.code == .keysMatchNoDigest)
        #expect(error?.message.contains("(\(TestSupport.Clean.fingerprint) is loaded for us-west-2: is each key file named after the region it was listed from?)") == true,
                "\(error?.description ?? "")")
    }

    @Test("the right key with a validity window of another time checks no digest: exit 2")
    func keysOfAnotherTime() async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            let text = String(decoding: try TestSupport.bytes(atPath: TestSupport.Clean.keyFile), as: UTF8.self)
                .replacingOccurrences(of: "2025-", with: "2024-")
            try TestSupport.write(text, to: folder + "/us-east-1.json")
            let error = await Self.runError(ValidationOptions(root: TestSupport.Clean.bucket,
                                                              publicKeys: [PublicKeySource(path: folder + "/us-east-1.json")]))
            #expect(error?.code == .keysMatchNoDigest)
            #expect(error?.message.contains("valid 2024-01-01T00:00:00Z to 2024-07-01T00:00:00Z") == true, "\(error?.description ?? "")")
        }
    }

    @Test("one unknown fingerprint among digests the keys do check stays a finding (exit 1), not a stop")
    func oneUnknownKeyIsAFinding() async throws {
        let vector = try TestVectorCatalog.expected("unknown-fingerprint")
        let report = try await BucketValidator(options: TestVectorCatalog.options("unknown-fingerprint", vector)).run()
        #expect(report.digests.filter { $0.reason == .unknownFingerprint }.count == 1)
        #expect(report.summary.exitCode == 1)
    }

    @Test("a key file bound to no region (list-public-keys > keys.json) validates, with a note that the region check is not made")
    func unboundKeysValidateWithANote() async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            try TestSupport.write(try TestSupport.bytes(atPath: TestSupport.Clean.keyFile), to: folder + "/keys.json")
            let report = try await BucketValidator(options: ValidationOptions(
                root: TestSupport.Clean.bucket, publicKeys: [PublicKeySource(path: folder + "/keys.json")])).run()
            #expect(report.isValid)
            #expect(report.notices.contains { $0.contains("\(folder)/keys.json are bound to no region") && $0.contains("region check is not made") })
        }
    }

    // MARK: A window outside what is on disk

    @Test("a time window with no digest says what the disk holds")
    func windowOutsideTheDisk() async throws {
        var options = ValidationOptions(root: TestSupport.Clean.bucket, publicKeys: [PublicKeySource(path: Self.cleanKeys)])
        options.window = TimeWindow(start: CloudTrailTime.parse("2030-01-01T00:00:00Z"))
        let error = await Self.runError(options)
        #expect(error?.code == .noDigestsFound)
        #expect(error?.description.contains("digests on disk span 2025-03-01T17:09:41Z to 2025-03-02T22:09:58Z") == true,
                "\(error?.description ?? "")")
    }
}
