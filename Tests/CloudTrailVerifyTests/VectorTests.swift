import Foundation
import Testing
@testable import CloudTrailVerify

/// Every committed vector through the library: the verdicts are exactly `expected.json`'s.
@Suite("Test vectors")
struct VectorTests {
    @Test("the catalog holds every vector the issue asks for")
    func catalogIsComplete() {
        let required = [
            "clean-multi-day", "tampered-log", "deleted-log", "corrupt-gzip-log", "trailing-data-log", "uncompressed-log",
            "deleted-digest", "modified-digest", "garbled-digest", "moved-digest", "validation-disabled-gap", "key-rotation",
            "unknown-fingerprint", "key-outside-validity", "key-other-region", "wrong-signature-algorithm", "no-metadata",
            "previous-hash-mismatch", "empty-hours", "org-trail", "s3-prefix", "multi-region", "two-trails",
        ]
        #expect(Set(required).subtracting(TestVectorCatalog.names).isEmpty)
    }

    @Test("verdicts, gaps and exit code match expected.json", arguments: TestVectorCatalog.names)
    func vectorMatchesExpectation(name: String) async throws {
        let vector = try TestVectorCatalog.expected(name)
        let report = try await BucketValidator(options: TestVectorCatalog.options(name, vector)).run()
        #expect(report.digestLines == vector.digestLines, "digests of \(name)")
        #expect(report.logFileLines == vector.logFileLines, "log files of \(name)")
        #expect(report.gapLines == vector.gapLines, "gaps of \(name)")
        #expect(report.objectLines == vector.objectLines, "objects of \(name)")
        #expect(report.explanationLines == vector.explanationLines, "what explains the gaps of \(name)")
        #expect(report.summary.exitCode == vector.exitCode, "exit code of \(name)")
    }

    @Test("every digest and log reason is triggered by some vector")
    func everyReasonHasAVector() throws {
        var digestReasons: Set<String> = []
        var logReasons: Set<String> = []
        var notes: Set<String> = []
        var objectReasons: Set<String> = []
        for name in TestVectorCatalog.names {
            let vector = try TestVectorCatalog.expected(name)
            objectReasons.formUnion((vector.objects ?? []).compactMap(\.reason))
            digestReasons.formUnion(vector.digests.compactMap(\.reason))
            logReasons.formUnion(vector.logFiles.compactMap(\.reason))
            notes.formUnion(vector.logFiles.compactMap(\.note))
        }
        // A checkpoint is written by the run that reads it, so `checkpoint_mismatch` is proven on
        // temporary copies instead (BucketValidatorTests), never on the committed vectors.
        #expect(Set(DigestReason.allCases.map(\.rawValue)).subtracting(digestReasons) == ["checkpoint_mismatch"])
        // A named pipe cannot be committed: BucketValidatorAccountingTests makes one at test time.
        #expect(Set(LogFileReason.allCases.map(\.rawValue)).subtracting(logReasons) == ["unexpected_type"])
        #expect(Set(LogFileNote.allCases.map(\.rawValue)).subtracting(notes).isEmpty)
        // An unreadable folder cannot be committed (and root reads every folder): BucketValidatorTests
        // makes one at test time; a named pipe in a log folder likewise.
        #expect(Set(ObjectReason.allCases.map(\.rawValue)).subtracting(objectReasons) == ["unreadable_folder", "unexpected_type"])
    }

    @Test("the walk visits digests newest first and lists each log right after its digest")
    func reportIsInWalkOrder() async throws {
        let vector = try TestVectorCatalog.expected("clean-multi-day")
        let report = try await BucketValidator(options: TestVectorCatalog.options("clean-multi-day", vector)).run()
        let ends = report.digests.compactMap(\.digestEndTime)
        #expect(ends == ends.sorted(by: >))
        let digestOrder = report.digests.map(\.s3URI)
        let logDigestOrder = report.logFiles.compactMap(\.digest)
        var seen: [String] = []
        for digest in logDigestOrder where seen.last != digest { seen.append(digest) }
        #expect(seen == digestOrder.filter { Set(logDigestOrder).contains($0) })
    }

    @Test("a start and end time narrow the walk the way the AWS CLI does")
    func timeWindowNarrowsTheWalk() async throws {
        let vector = try TestVectorCatalog.expected("clean-multi-day")
        var options = try TestVectorCatalog.options("clean-multi-day", vector)
        let all = try await BucketValidator(options: options).run()
        let ends = all.digests.compactMap(\.digestEndTime).compactMap(CloudTrailTime.parse).sorted()
        // Half an hour into the 10th digest's hour to half an hour into the 20th's.
        let end = ends[19].addingTimeInterval(-1800)
        options.window = TimeWindow(start: ends[9].addingTimeInterval(-1800), end: end)
        let narrowed = try await BucketValidator(options: options).run()
        let narrowedEnds = narrowed.digests.compactMap(\.digestEndTime).compactMap(CloudTrailTime.parse).sorted()
        // Starts at the digest covering start-time; ends with the digest that ends after end-time
        // (within the hour) because it lists logs delivered before end-time.
        #expect(narrowedEnds.first == ends[9])
        #expect(narrowedEnds.last == ends[19])
        #expect(ends[19] > end)
        #expect(narrowedEnds.count == 11)
        #expect(narrowed.summary.exitCode == 0)
        #expect(narrowed.inputs.startTime == CloudTrailTime.display(ends[9].addingTimeInterval(-1800)))
    }
}
