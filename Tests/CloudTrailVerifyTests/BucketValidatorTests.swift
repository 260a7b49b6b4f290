import Foundation
import Synchronization
import Testing
@testable import CloudTrailVerify

/// Whole runs of the validator on copies of the vectors, for what one vector cannot show:
/// listing order, read-only operation, checkpoints, trail files, xattrs, hostile file types.
@Suite("BucketValidator")
struct BucketValidatorTests {
    static func options(_ root: String, keys: String) -> ValidationOptions {
        ValidationOptions(root: root, publicKeys: [PublicKeySource(path: keys)])
    }

    /// Copies a vector's folder (bucket, keys…) into a fresh temporary folder.
    static func copyVector(_ name: String, into folder: String) throws -> String {
        let target = folder + "/" + name
        try TestSupport.runChecked(["cp", "-a", TestSupport.vector(name), target])
        return target
    }

    @Test("findings do not depend on the order the file system lists files in", arguments: TestVectorCatalog.names)
    func shuffledListingGivesTheSameReport(name: String) async throws {
        let vector = try TestVectorCatalog.expected(name)
        let baseline = try await BucketValidator(options: TestVectorCatalog.options(name, vector)).run()
        for seed: UInt64 in [1, 2, 3] {
            var options = try TestVectorCatalog.options(name, vector)
            options.listingOrder = .shuffled(seed: seed)
            let shuffled = try await BucketValidator(options: options).run()
            #expect(shuffled.events == baseline.events, "\(name) with listing seed \(seed)")
        }
    }

    @Test("findings do not depend on whether listed logs stay in memory or go to a scratch file",
          arguments: TestVectorCatalog.names)
    func spilledListedLogsGiveTheSameReport(name: String) async throws {
        let vector = try TestVectorCatalog.expected(name)
        let baseline = try await BucketValidator(options: TestVectorCatalog.options(name, vector)).run()
        for budget in [1, 3] {
            var options = try TestVectorCatalog.options(name, vector)
            options.listedLogBudget = budget
            // And without read-ahead, which must change nothing either.
            options.readAhead = budget != 1
            let spilled = try await BucketValidator(options: options).run()
            #expect(spilled.events == baseline.events, "\(name) with \(budget) listed log(s) in memory")
        }
    }

    @Test("the validator writes nothing inside ROOT")
    func rootIsNeverWritten() async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            let copy = try Self.copyVector("validation-disabled-gap", into: folder)
            func snapshot() throws -> [String: String] {
                let listing = try TestSupport.runChecked(["find", copy + "/bucket", "-printf", "%P %s %T@ %m\\n"])
                return Dictionary(uniqueKeysWithValues: String(decoding: listing, as: UTF8.self)
                    .split(separator: "\n").map { (String($0.split(separator: " ")[0]), String($0)) })
            }
            let before = try snapshot()
            var options = Self.options(copy + "/bucket", keys: copy + "/keys")
            options.checkpointFile = folder + "/checkpoint.json"
            _ = try await BucketValidator(options: options).run()
            #expect(try snapshot() == before)
            #expect(FileManager.default.fileExists(atPath: folder + "/checkpoint.json"))
        }
    }

    @Test("a checkpoint records the newest valid digest; a changed or deleted one is a finding later")
    func checkpointDetectsLaterChanges() async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            let copy = try Self.copyVector("clean-multi-day", into: folder)
            var options = Self.options(copy + "/bucket", keys: copy + "/keys")
            options.checkpointFile = folder + "/checkpoint.json"
            let first = try await BucketValidator(options: options).run()
            #expect(first.summary.exitCode == 0)
            let checkpoint = try #require(try ValidationCheckpoint.load(path: folder + "/checkpoint.json"))
            let entry = try #require(checkpoint.chains.values.first)
            #expect(entry.digestS3Uri == first.digests.first?.s3URI)

            // Re-signing is impossible for an attacker; replacing the bytes is not. Append a space to the JSON.
            let key = try #require(BucketValidator.location(ofURI: entry.digestS3Uri)).key
            let path = copy + "/bucket/" + key
            let json = try TestSupport.gunzip(try TestSupport.bytes(atPath: path))
            try TestSupport.write(try TestSupport.gzip(json + Array(" ".utf8)), to: path)
            let changed = try await BucketValidator(options: options).run()
            let entryNow = try #require(changed.digests.first { $0.s3URI == entry.digestS3Uri })
            #expect(entryNow.reason == .checkpointMismatch)
            #expect(changed.summary.exitCode == 1)

            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.removeItem(atPath: path + ".metadata.json")
            let deleted = try await BucketValidator(options: options).run()
            let gone = try #require(deleted.digests.first { $0.s3URI == entry.digestS3Uri })
            #expect(gone.status == .missing)
            #expect(gone.message?.contains("checkpoint") == true)
        }
    }

    @Test("--incremental stops each chain at its checkpointed digest and says so")
    func incrementalStopsAtTheCheckpoint() async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            let copy = try Self.copyVector("clean-multi-day", into: folder)
            var options = Self.options(copy + "/bucket", keys: copy + "/keys")
            options.checkpointFile = folder + "/checkpoint.json"
            let full = try await BucketValidator(options: options).run()
            // Pretend the earlier run ended ten digests ago.
            var checkpoint = try #require(try ValidationCheckpoint.load(path: folder + "/checkpoint.json"))
            let older = full.digests[10]
            let chainID = try #require(checkpoint.chains.keys.first)
            checkpoint.chains[chainID] = ValidationCheckpoint.Entry(
                digestS3Uri: older.s3URI, digestEndTime: older.digestEndTime!, digestSHA256: older.sha256!,
                signatureSHA256: nil, recordedAt: "2025-03-05T00:00:00Z")
            try checkpoint.write(to: folder + "/checkpoint.json")
            options.incremental = true
            let incremental = try await BucketValidator(options: options).run()
            #expect(incremental.digests.map(\.s3URI) == full.digests.prefix(11).map(\.s3URI))
            #expect(incremental.chains.first?.incrementalFrom == older.s3URI)
            #expect(incremental.summary.exitCode == 0)
            // The checkpoint moves forward to the newest digest again.
            let updated = try #require(try ValidationCheckpoint.load(path: folder + "/checkpoint.json"))
            #expect(updated.chains[chainID]?.digestS3Uri == full.digests.first?.s3URI)
            // Without a checkpoint, --incremental cannot run.
            options.checkpointFile = nil
            await #expect(throws: CloudTrailVerifyError.self) { try await BucketValidator(options: options).run() }
        }
    }

    @Test("--expect-digests-through reports each missing hour after the newest digest on disk")
    func expectedThroughFindsACutTail() async throws {
        let vector = try TestVectorCatalog.expected("clean-multi-day")
        var options = try TestVectorCatalog.options("clean-multi-day", vector)
        // The newest digest ends 2025-03-02T22:09:58Z; three more hours were delivered.
        options.expectDigestsThrough = CloudTrailTime.parse("2025-03-03T01:15:00Z")
        let report = try await BucketValidator(options: options).run()
        let inferred = report.digests.filter { $0.inferred == true }
        #expect(inferred.map(\.digestEndTime) == ["2025-03-03T01:09:58Z", "2025-03-03T00:09:58Z", "2025-03-02T23:09:58Z"])
        #expect(inferred.allSatisfy { $0.status == .missing && $0.reason == .notFound })
        #expect(inferred.first?.s3URI.hasSuffix("/2025/03/03/111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_20250303T010958Z.json.gz") == true)
        #expect(report.summary.exitCode == 1)
        #expect(report.chains.first?.expectedThrough == "2025-03-03T01:15:00Z")
    }

    @Test("a describe-trails file picks the trail, names its ARN, and warns when validation is off now")
    func trailFileSelectsAndWarns() async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            let trails = """
            {"trailList": [{"Name": "management-events", "S3BucketName": "aws-cloudtrail-logs-111122223333-3f8a2b1c",
              "TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events", "HomeRegion": "us-east-1",
              "IsMultiRegionTrail": true, "IsOrganizationTrail": false, "LogFileValidationEnabled": false,
              "IncludeGlobalServiceEvents": true, "HasCustomEventSelectors": false, "HasInsightSelectors": false}]}
            """
            try TestSupport.write(trails, to: folder + "/trails.json")
            var options = Self.options(TestSupport.vector("two-trails") + "/bucket", keys: TestSupport.vector("two-trails") + "/keys")
            options.trailFiles = [folder + "/trails.json"]
            let report = try await BucketValidator(options: options).run()
            #expect(report.chains.map(\.trailName) == ["management-events"])
            #expect(report.notices.contains { $0.contains("log file validation disabled now") })

            try TestSupport.write(trails.replacingOccurrences(of: "\"management-events\"", with: "\"no-such-trail\"")
                .replacingOccurrences(of: "trail/management-events", with: "trail/no-such-trail"), to: folder + "/other.json")
            options.trailFiles = [folder + "/other.json"]
            await #expect(throws: CloudTrailVerifyError.self) { try await BucketValidator(options: options).run() }
        }
    }

    @Test("a trail ARN whose name breaks CloudTrail's naming rules is refused")
    func badTrailNameIsRefused() async throws {
        var options = Self.options(TestSupport.vector("clean-multi-day") + "/bucket", keys: TestSupport.vector("clean-multi-day") + "/keys")
        for name in ["ab", "a..b", "-abc", "192.168.5.4", "has space"] {
            options.trailARN = "arn:aws:cloudtrail:us-east-1:111122223333:trail/\(name)"
            await #expect(throws: CloudTrailVerifyError.self, "\(name)") { try await BucketValidator(options: options).run() }
        }
    }

    @Test("a signature kept in extended attributes (rclone --metadata) verifies the newest digest")
    func extendedAttributeSignatureVerifiesTheNewestDigest() async throws {
        guard let base = TestSupport.extendedAttributeBase else { return }
        try await TestSupport.withTemporaryDirectory(in: base) { folder in
            let copy = try Self.copyVector("no-metadata", into: folder)
            let vector = try TestVectorCatalog.expected("no-metadata")
            let newest = try #require(vector.digests.first { $0.status == "unverified" })
            let truth = try TestSupport.jsonObject(try TestSupport.bytes(atPath: copy + "/aws-s3-metadata.json"))
            let metadata = try #require(truth[newest.s3URI] as? [String: Any])
            let key = try #require(BucketValidator.location(ofURI: newest.s3URI)).key
            try TestSupport.setExtendedAttribute("user.signature", metadata["signature"] as! String, path: copy + "/bucket/" + key)
            try TestSupport.setExtendedAttribute("user.signature-algorithm", "SHA256withRSA", path: copy + "/bucket/" + key)
            let report = try await BucketValidator(options: Self.options(copy + "/bucket", keys: copy + "/keys")).run()
            let entry = try #require(report.digests.first { $0.s3URI == newest.s3URI })
            #expect(entry.status == .valid)
            #expect(entry.signatureSource == .extendedAttribute)
            #expect(report.digests.allSatisfy { $0.status == .valid })
        }
    }

    @Test("a named pipe under a digest's or a log's name is judged, not waited on")
    func namedPipesDoNotHang() async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            let copy = try Self.copyVector("clean-multi-day", into: folder)
            let first = copy + "/bucket/" + TestSupport.Clean.firstDigestKey
            try FileManager.default.removeItem(atPath: first)
            #expect(mkfifo(first, 0o600) == 0)
            let report = try await BucketValidator(options: Self.options(copy + "/bucket", keys: copy + "/keys")).run()
            let entry = try #require(report.digests.first { $0.s3URI.hasSuffix(TestSupport.Clean.firstDigestKey) })
            #expect(entry.status == .invalid)
            #expect(entry.reason == .invalidFormat)
        }
    }

    @Test("a run with findings does not move the checkpoint, so --incremental cannot skip past them")
    func checkpointStaysBehindFindings() async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            let copy = try Self.copyVector("deleted-digest", into: folder)
            var options = Self.options(copy + "/bucket", keys: copy + "/keys")
            options.checkpointFile = folder + "/checkpoint.json"
            let report = try await BucketValidator(options: options).run()
            #expect(report.summary.exitCode == 1)
            #expect(try ValidationCheckpoint.load(path: folder + "/checkpoint.json")?.chains.isEmpty == true)
            #expect(report.notices.contains { $0.contains("checkpoint not moved") })
        }
    }

    @Test("a trail whose bucket this is, with validation on, but with no digest in the copy fails the run")
    func trailWithoutDigestsFails() async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            let trails = """
            {"trailList": [
              {"Name": "management-events", "S3BucketName": "aws-cloudtrail-logs-111122223333-3f8a2b1c",
               "TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events", "HomeRegion": "us-east-1",
               "IsMultiRegionTrail": true, "IsOrganizationTrail": false, "LogFileValidationEnabled": true},
              {"Name": "vanished", "S3BucketName": "aws-cloudtrail-logs-111122223333-3f8a2b1c",
               "TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/vanished", "HomeRegion": "us-east-1",
               "IsMultiRegionTrail": true, "IsOrganizationTrail": false, "LogFileValidationEnabled": true}]}
            """
            try TestSupport.write(trails, to: folder + "/trails.json")
            var options = Self.options(TestSupport.Clean.bucket, keys: TestSupport.vector("clean-multi-day") + "/keys")
            options.trailFiles = [folder + "/trails.json"]
            let report = try await BucketValidator(options: options).run()
            #expect(report.summary.trailsWithoutDigests == 1)
            #expect(report.summary.exitCode == 1)
            #expect(report.notices.contains { $0.contains("trail/vanished") })
        }
    }

    @Test("log and day folders that are links out of ROOT are neither listed nor searched for gap explanations")
    func linkedLogFoldersAreRefused() async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            let copy = try Self.copyVector("validation-disabled-gap", into: folder)
            let day = copy + "/bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2025/03/13"
            try FileManager.default.moveItem(atPath: day, toPath: folder + "/outside-day")
            try FileManager.default.createSymbolicLink(atPath: day, withDestinationPath: folder + "/outside-day")
            let report = try await BucketValidator(options: Self.options(copy + "/bucket", keys: copy + "/keys")).run()
            // Nothing read through the link explains the gap, and every listed log is refused.
            #expect(report.gaps.allSatisfy { ($0.explanations ?? []).isEmpty })
            #expect(report.logFiles.filter { $0.digest != nil }.allSatisfy { $0.reason == .unsafePath })
            #expect(report.summary.exitCode == 1)
        }
    }

    @Test("coverage and gap explanations can be turned off, and are on by default")
    func coverageAndExplanationsAreOptional() async throws {
        let vector = try TestVectorCatalog.expected("validation-disabled-gap")
        var options = try TestVectorCatalog.options("validation-disabled-gap", vector)
        let full = try await BucketValidator(options: options).run()
        #expect(!full.coverage.isEmpty && full.logFiles.contains { $0.status == .unreferenced })
        #expect(full.gaps.allSatisfy { $0.explained == true })
        options.checkCoverage = false
        options.explainGaps = false
        let bare = try await BucketValidator(options: options).run()
        #expect(bare.coverage.isEmpty)
        #expect(!bare.logFiles.contains { $0.status == .unreferenced })
        #expect(bare.gaps.allSatisfy { $0.explanations == nil && $0.explained == nil })
        #expect(bare.gapLines == full.gapLines)
    }

    @Test("progress reaches every digest the window admits")
    func progressIsReported() async throws {
        let vector = try TestVectorCatalog.expected("clean-multi-day")
        var options = try TestVectorCatalog.options("clean-multi-day", vector)
        let last = Mutex<ValidationProgress?>(nil)
        options.progress = { progress in last.withLock { $0 = progress } }
        let report = try await BucketValidator(options: options).run()
        let final = try #require(last.withLock { $0 })
        #expect(final.digestsTotal == 30 && final.digestsDone == 30)
        #expect(final.logFilesDone == report.logFiles.count)
        #expect(final.bytesRead > 0 && final.bytesHashed > final.bytesRead)
    }

    @Test("a digest file over the size limit is invalid without being read")
    func oversizedDigestIsInvalid() async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            let copy = try Self.copyVector("clean-multi-day", into: folder)
            let first = copy + "/bucket/" + TestSupport.Clean.firstDigestKey
            // A sparse 200 MB file: no disk is spent, and a reader that loaded it whole would be caught by the limit.
            #expect(truncate(first, 200_000_000) == 0)
            let report = try await BucketValidator(options: Self.options(copy + "/bucket", keys: copy + "/keys")).run()
            let entry = try #require(report.digests.first { $0.s3URI.hasSuffix(TestSupport.Clean.firstDigestKey) })
            #expect(entry.reason == .invalidFormat)
            #expect(entry.message?.contains("over the") == true)
        }
    }

    @Test("an empty bucket, or a window with no digest in it, cannot be validated (exit 2)")
    func nothingToValidate() async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            let options = Self.options(folder, keys: TestSupport.vector("clean-multi-day") + "/keys")
            await #expect(throws: CloudTrailVerifyError.self) { try await BucketValidator(options: options).run() }
        }
        let vector = try TestVectorCatalog.expected("clean-multi-day")
        var options = try TestVectorCatalog.options("clean-multi-day", vector)
        options.window = TimeWindow(start: CloudTrailTime.parse("2030-01-01T00:00:00Z"))
        do {
            _ = try await BucketValidator(options: options).run()
            Issue.record("a window with no digests must not validate")
        } catch {
            #expect(error.code == .noDigestsFound)
        }
    }

    @Test("a symbolic link to a folder outside ROOT is not followed")
    func linkedFoldersAreNotFollowed() async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            let root = folder + "/root"
            try TestSupport.createDirectory(root)
            // Everything real lives outside ROOT; ROOT only links to it.
            try TestSupport.runChecked(["cp", "-a", TestSupport.vector("clean-multi-day") + "/bucket", folder + "/elsewhere"])
            try FileManager.default.createSymbolicLink(atPath: root + "/AWSLogs", withDestinationPath: folder + "/elsewhere/AWSLogs")
            let options = Self.options(root, keys: TestSupport.vector("clean-multi-day") + "/keys")
            do {
                _ = try await BucketValidator(options: options).run()
                Issue.record("digests behind a link out of ROOT must not be found")
            } catch let error as CloudTrailVerifyError {
                #expect(error.code == .noDigestsFound)
            }
        }
    }
}
