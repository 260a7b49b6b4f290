import Foundation
import Testing
@testable import CloudTrailVerify

/// The committed test vectors (`TestVectors/<name>/`) and their `expected.json`.
enum TestVectorCatalog {
    /// The repository root, found from this file's path so tests run from any directory.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let directory = repositoryRoot.appendingPathComponent("TestVectors")

    /// Every vector with an `expected.json`, sorted.
    static let names: [String] = {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return entries.filter {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).appendingPathComponent("expected.json").path)
        }.sorted()
    }()

    static func folder(_ name: String) -> URL { directory.appendingPathComponent(name) }

    static func expected(_ name: String) throws -> ExpectedVector {
        let data = try Data(contentsOf: folder(name).appendingPathComponent("expected.json"))
        return try JSONDecoder().decode(ExpectedVector.self, from: data)
    }

    /// The library options `expected.json`'s `arguments` stand for, with paths made absolute.
    static func options(_ name: String, _ vector: ExpectedVector) throws -> ValidationOptions {
        let base = folder(name)
        var options = ValidationOptions(root: base.appendingPathComponent("bucket").path)
        var arguments = vector.arguments.makeIterator()
        while let flag = arguments.next() {
            switch flag {
            case "--strict": options.strict = true; continue
            case "--incremental": options.incremental = true; continue
            case "--no-coverage": options.checkCoverage = false; continue
            case "--no-gap-explanations": options.explainGaps = false; continue
            default: break
            }
            guard let value = arguments.next() else {
                Issue.record("\(flag) needs a value")
                break
            }
            switch flag {
            case "--public-keys":
                let source = PublicKeySource(argument: value)
                options.publicKeys.append(PublicKeySource(path: base.appendingPathComponent(source.path).path, region: source.region))
            case "--start-time":
                let start: Date = try #require(CloudTrailTime.parse(value))
                options.window.start = start
            case "--end-time":
                let end: Date = try #require(CloudTrailTime.parse(value))
                options.window.end = end
            case "--bucket": options.bucket = value
            case "--s3-prefix": options.s3Prefix = value
            case "--region": options.regions.append(value)
            case "--account-id": options.accountID = value
            case "--trail-arn": options.trailARN = value
            case "--trail": options.trailFiles.append(base.appendingPathComponent(value).path)
            case "--trail-status": options.trailStatusFile = base.appendingPathComponent(value).path
            case "--expect-digests-through":
                let through: Date = try #require(CloudTrailTime.parse(value))
                options.expectDigestsThrough = through
            default: Issue.record("expected.json argument \(flag) is not understood by the test")
            }
        }
        return options
    }
}

/// `expected.json`, as `docs/test-vectors.md` describes it.
struct ExpectedVector: Decodable, Sendable {
    struct Entry: Decodable, Sendable, Hashable {
        var s3URI: String
        var status: String
        var reason: String?
        var note: String?

        enum CodingKeys: String, CodingKey { case s3URI = "s3Uri", status, reason, note }
    }

    struct Gap: Decodable, Sendable, Hashable {
        struct Explanation: Decodable, Sendable, Hashable {
            var eventName: String
            var eventTime: String
            var userArn: String?
            var sourceIPAddress: String?
        }
        var start: String
        var end: String
        var explanations: [Explanation]?
    }

    struct AWSCLI: Decodable, Sendable {
        struct Difference: Decodable, Sendable, Hashable {
            var s3Uri: String
            var ours: String
            var awsCli: String
            var why: String
        }
        /// A gap we report and the CLI does not (a hole between two linked digests).
        struct GapDifference: Decodable, Sendable, Hashable {
            var start: String
            var end: String
            var why: String
        }
        var differences: [Difference]
        var gapDifferences: [GapDifference]?
    }

    var name: String
    var description: String
    var arguments: [String]
    var exitCode: Int
    var digests: [Entry]
    var logFiles: [Entry]
    var gaps: [Gap]
    /// Objects that are neither digests nor log files (absent in older files: none).
    var objects: [Entry]?
    var awsCli: AWSCLI
}

extension ExpectedVector.Entry {
    /// One comparable line per entry, so a mismatch reads as a diff.
    var line: String { [s3URI, status, reason ?? "-", note ?? "-"].joined(separator: " | ") }
}

extension ValidationReport {
    var digestLines: [String] {
        digests.map { [$0.s3URI, $0.status.rawValue, $0.reason?.rawValue ?? "-", "-"].joined(separator: " | ") }.sorted()
    }
    var logFileLines: [String] {
        logFiles.map { [$0.s3URI, $0.status.rawValue, $0.reason?.rawValue ?? "-", $0.note?.rawValue ?? "-"].joined(separator: " | ") }.sorted()
    }
    var gapLines: [String] { gaps.map { "\($0.start) → \($0.end)" }.sorted() }
    var objectLines: [String] {
        objects.map { [$0.s3URI, $0.status.rawValue, $0.reason.rawValue, "-"].joined(separator: " | ") }.sorted()
    }
    /// Each gap with who did what to cause it, as far as the logs tell.
    var explanationLines: [String] {
        gaps.map { gap in
            explanationLine(gap.start, gap.end, (gap.explanations ?? []).map {
                ($0.eventName, $0.eventTime, $0.userARN, $0.sourceIPAddress)
            })
        }.sorted()
    }
}

/// One comparable line per gap: its bounds, then each explaining event (name, time, who, from where).
func explanationLine(_ start: String, _ end: String, _ events: [(String, String, String?, String?)]) -> String {
    "\(start) → \(end): " + events.map { "\($0.0) \($0.1) \($0.2 ?? "-") \($0.3 ?? "-")" }.joined(separator: "; ")
}

extension ExpectedVector {
    var explanationLines: [String] {
        gaps.map { gap in
            explanationLine(gap.start, gap.end, (gap.explanations ?? []).map {
                ($0.eventName, $0.eventTime, $0.userArn, $0.sourceIPAddress)
            })
        }.sorted()
    }
    var digestLines: [String] { digests.map(\.line).sorted() }
    var logFileLines: [String] { logFiles.map(\.line).sorted() }
    var gapLines: [String] { gaps.map { "\($0.start) → \($0.end)" }.sorted() }
    var objectLines: [String] { (objects ?? []).map(\.line).sorted() }
}
