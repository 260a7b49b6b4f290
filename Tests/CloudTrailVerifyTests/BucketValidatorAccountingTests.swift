import Foundation
import Testing
@testable import CloudTrailVerify

/// The accounting stage on copies of the vectors: what a committed vector cannot hold (named pipes),
/// and what a run remembers (checkpoints), and what it may cite (gap explanations).
@Suite("BucketValidator accounting")
struct BucketValidatorAccountingTests {
    static func copy(_ name: String, into folder: String) throws -> String {
        try BucketValidatorTests.copyVector(name, into: folder)
    }

    static func options(_ copy: String, _ name: String) throws -> ValidationOptions {
        var options = try TestVectorCatalog.options(name, TestVectorCatalog.expected(name))
        options.root = copy + "/bucket"
        options.publicKeys = [PublicKeySource(path: copy + "/keys")]
        return options
    }

    static let logDay = "/bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2025/03/01"
    static let digestDay = "/bucket/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/03/01"

    @Test("a named pipe in a log folder or a digest folder is a finding, never opened, and the run goes on")
    func namedPipesAreFindings() async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            let copy = try Self.copy("clean-multi-day", into: folder)
            #expect(mkfifo(copy + Self.logDay + "/111122223333_CloudTrail_us-east-1_20250301T1930Z_PIPEPIPEPIPEPIPE.json.gz", 0o644) == 0)
            #expect(mkfifo(copy + Self.digestDay + "/queue", 0o644) == 0)
            let report = try await BucketValidator(options: Self.options(copy, "clean-multi-day")).run()
            let pipe = report.logFiles.filter { $0.reason == .unexpectedType }
            #expect(pipe.count == 1)
            #expect(pipe.first?.s3Uri.hasSuffix("_PIPEPIPEPIPEPIPE.json.gz") == true)
            #expect(report.objects.map(\.reason) == [.unexpectedType])
            #expect(report.objects.first?.s3Uri.hasSuffix("/2025/03/01/queue") == true)
            // Everything else was still judged.
            #expect(report.summary.digests.valid == 30)
            #expect(report.summary.logFiles.valid == 46)
            #expect(report.summary.exitCode == 1)
        }
    }

    @Test("a log copied in under a new name, in a chain that is otherwise clean, keeps the checkpoint from moving")
    func coverageFindingsHoldTheCheckpoint() async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            let copy = try Self.copy("clean-multi-day", into: folder)
            let checkpoint = folder + "/checkpoint.json"
            var options = try Self.options(copy, "clean-multi-day")
            options.checkpointFile = checkpoint
            let clean = try await BucketValidator(options: options).run()
            #expect(clean.summary.exitCode == 0)
            let recorded = try #require(try ValidationCheckpoint.load(path: checkpoint))
            #expect(recorded.chains.count == 1)
            try FileManager.default.removeItem(atPath: checkpoint)

            let logs = try FileManager.default.contentsOfDirectory(atPath: copy + Self.logDay).sorted()
            let original = try #require(logs.last)
            let injected = String(original.dropLast("XXXXXXXXXXXXXXXX.json.gz".count)) + "InjectedInjected.json.gz"
            try FileManager.default.copyItem(atPath: copy + Self.logDay + "/" + original, toPath: copy + Self.logDay + "/" + injected)
            let dirty = try await BucketValidator(options: options).run()
            #expect(dirty.summary.digests.valid == 30)
            #expect(dirty.logFiles.filter { $0.reason == .notInAnyDigest }.map(\.s3Uri).allSatisfy { $0.hasSuffix(injected) })
            #expect(dirty.logFiles.contains { $0.reason == .notInAnyDigest })
            let held = try #require(try ValidationCheckpoint.load(path: checkpoint))
            #expect(held.chains.isEmpty)
            #expect(dirty.notices.contains { $0.contains("checkpoint not moved") })
        }
    }

    @Test("a gap is explained only by logs this run proved; what unproven logs claim is reported apart")
    func gapExplanationsRestOnProvenLogs() async throws {
        let name = "unproven-gap-explanation"
        let report = try await BucketValidator(options: TestVectorCatalog.options(name, TestVectorCatalog.expected(name))).run()
        let gap = try #require(report.gaps.first)
        #expect(gap.explained == false)
        #expect(gap.explanations == [])
        let claims = try #require(gap.unprovenClaims)
        #expect(Set(claims.map(\.eventName)) == ["StopLogging", "StartLogging"])
        let unreferenced = Set(report.logFiles.filter { $0.digest == nil }.map(\.s3Uri))
        #expect(claims.allSatisfy { unreferenced.contains($0.logFile) })

        // The genuine story, in logs the digests list, still explains its gap.
        let genuine = "validation-disabled-gap"
        let proven = try await BucketValidator(options: TestVectorCatalog.options(genuine, TestVectorCatalog.expected(genuine))).run()
        #expect(proven.gaps.first?.explained == true)
        #expect(proven.gaps.first?.unprovenClaims == nil)
    }

    @Test("a log around a gap that is too large to read for explanations is named with the reason, never passed over")
    func unreadableExplanationLogsAreNamed() async throws {
        let name = "json-bomb"
        let report = try await BucketValidator(options: TestVectorCatalog.options(name, TestVectorCatalog.expected(name))).run()
        let unreadable = report.gaps.flatMap { $0.unreadableLogs ?? [] }
        #expect(unreadable.contains { $0.hasPrefix("s3://") && $0.contains("the limit for a log that may hold a CloudTrail call") })
        let text = report.textWrites(verbose: false).map(\.text).joined()
        #expect(text.contains("\tNot read for explanations: s3://"))
    }

    @Test("a gap explained by a log whose bytes were changed is not explained")
    func tamperedExplanationDoesNotCount() async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            let copy = try Self.copy("validation-disabled-gap", into: folder)
            // The log holding mallory's UpdateTrail, listed by the digest before the gap: edit one byte of its JSON.
            let day = copy + "/bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2025/03/13"
            let path = day + "/111122223333_CloudTrail_us-east-1_20250313T0406Z_vjRfUttSlWRQO7Bx.json.gz"
            var json = try TestSupport.gunzip(TestSupport.bytes(atPath: path))
            let index = try #require(json.firstIndex(of: UInt8(ascii: "7")))
            json[index] = UInt8(ascii: "8")
            try TestSupport.write(TestSupport.gzip(json), to: path)
            let report = try await BucketValidator(options: Self.options(copy, "validation-disabled-gap")).run()
            let gap = try #require(report.gaps.first)
            #expect(gap.explanations?.map(\.eventName) == ["UpdateTrail"])
            #expect(gap.explanations?.first?.userArn?.hasSuffix("jdoe") == true)
            #expect(gap.unprovenClaims?.map(\.userArn) == ["arn:aws:iam::111122223333:user/mallory"])
        }
    }

    @Test("a single-region trail file leaves other regions' folders unchecked, and says so; a multi-region one does not")
    func singleRegionTrailLeavesOtherRegionsUnchecked() async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            let copy = try Self.copy("multi-region-trail-file", into: folder)
            let trail = copy + "/trail.json"
            let text = try String(contentsOfFile: trail, encoding: .utf8)
            try text.replacingOccurrences(of: "\"IsMultiRegionTrail\": true", with: "\"IsMultiRegionTrail\": false")
                .write(toFile: trail, atomically: true, encoding: .utf8)
            var options = try Self.options(copy, "multi-region-trail-file")
            options.trailFiles = [trail]
            let report = try await BucketValidator(options: options).run()
            #expect(report.summary.exitCode == 0)
            #expect(report.summary.notChecked.contains { $0.folder.hasSuffix("/AWSLogs/111122223333/CloudTrail/us-west-2") })
            #expect(report.notices.contains { $0.contains("not checked in this run") && $0.contains("us-west-2") })
        }
    }

    @Test("filters name every folder they leave out")
    func filteredFoldersAreNamed() async throws {
        let name = "orphan-log-folders-filtered"
        let report = try await BucketValidator(options: TestVectorCatalog.options(name, TestVectorCatalog.expected(name))).run()
        let folders = report.summary.notChecked.map(\.folder)
        #expect(folders.contains { $0.hasSuffix("/AWSLogs/111122223333/CloudTrail/eu-west-1") })
        #expect(folders.contains { $0.hasSuffix("/AWSLogs/444455556666/CloudTrail/ap-south-1") })
        #expect(folders.contains { $0.hasSuffix("/AWSLogs/111122223333/CloudTrail-Insight/us-east-1") })
        #expect(report.summary.otherObjects == 0)
        #expect(report.summary.exitCode == 0)
    }

    @Test("another service's files under AWSLogs are counted, not judged")
    func otherObjectsAreCounted() async throws {
        let name = "unaccounted-objects"
        let report = try await BucketValidator(options: TestVectorCatalog.options(name, TestVectorCatalog.expected(name))).run()
        #expect(report.summary.otherObjects == 1)
        #expect(report.logFiles.contains { $0.s3Uri.hasSuffix("/%FF%FE-staging.json.gz") && $0.reason == .unrecognizedName })
    }

    @Test("another trail's logs in a shared folder are counted as not validated, not as injected")
    func sharedFolderCountsOtherTrails() async throws {
        let name = "shared-log-folder"
        let report = try await BucketValidator(options: TestVectorCatalog.options(name, TestVectorCatalog.expected(name))).run()
        let coverage = try #require(report.coverage.first)
        #expect(coverage.listedByTrailsNotValidated == 5)
        #expect(coverage.notInAnyDigest == 1)
        // The trail left out is named, not passed over.
        #expect(report.summary.notChecked.contains { $0.folder.hasSuffix("/CloudTrail-Digest/us-east-1 (trail data.events_prod-1)") })
    }
}
