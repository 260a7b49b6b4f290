import Foundation
import Testing
@testable import CloudTrailVerify

/// The AWS CLI's own validator (awscli 1.46.3, run offline by
/// `Tests/AgreementHarness/awscli_offline.py`) and ours reach the same verdict on every
/// digest and log file both judge; where we differ on purpose, `expected.json` says so
/// and the difference must really happen.
@Suite("Agreement with the AWS CLI")
struct AgreementTests {
    static let pinnedVersion = "1.46.3"

    /// What the harness prints.
    struct HarnessOutput: Decodable {
        struct Verdict: Decodable {
            var s3Uri: String
            var status: String
            var message: String?
        }
        struct Gap: Decodable {
            var start: String
            var end: String
        }
        struct Run: Decodable {
            var trailArn: String
            var region: String
            var exitCode: Int
            var stderr: String
        }
        var awscliVersion: String
        var runs: [Run]
        var digests: [Verdict]
        var logFiles: [Verdict]
        var gaps: [Gap]
    }

    /// The pinned CLI's interpreter: `$CLOUDTRAIL_VERIFY_AWSCLI_PYTHON`, else `.venv-awscli/` (made by
    /// `scripts/setup-awscli.sh`, which `scripts/test.sh` runs first).
    static var python: String? {
        if let given = ProcessInfo.processInfo.environment["CLOUDTRAIL_VERIFY_AWSCLI_PYTHON"], !given.isEmpty { return given }
        let venv = TestVectorCatalog.repositoryRoot.appendingPathComponent(".venv-awscli/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }

    static func runHarness(_ name: String) throws -> HarnessOutput {
        let python = try #require(Self.python, "the pinned awscli is not installed: run scripts/setup-awscli.sh (or ./scripts/test.sh)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [
            TestVectorCatalog.repositoryRoot.appendingPathComponent("Tests/AgreementHarness/awscli_offline.py").path,
            TestVectorCatalog.folder(name).path,
        ]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read before waiting: a full pipe would block the harness forever.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "harness failed on \(name): \(errorText)")
        return try JSONDecoder().decode(HarnessOutput.self, from: data)
    }

    /// The CLI has two outcomes; ours has four. `missing` is the CLI's "INVALID: not found".
    static func cliEquivalent(_ status: VerdictStatus) -> String? {
        switch status {
        case .valid: return "valid"
        case .invalid, .missing: return "invalid"
        case .unverified, .unreferenced: return nil
        }
    }

    @Test("same verdicts as aws cloudtrail validate-logs, except the documented differences",
          arguments: TestVectorCatalog.names)
    func agreesWithTheAWSCLI(name: String) async throws {
        let vector = try TestVectorCatalog.expected(name)
        let cli = try Self.runHarness(name)
        #expect(cli.awscliVersion == Self.pinnedVersion)
        for run in cli.runs {
            // The CLI ran to its end (255 would mean it raised, e.g. no keys), so its verdicts are complete.
            #expect(run.exitCode == 0 || run.exitCode == 1, "AWS CLI run \(run.trailArn) in \(run.region): \(run.stderr)")
        }
        let report = try await BucketValidator(options: TestVectorCatalog.options(name, vector)).run()

        let differences = Dictionary(vector.awsCli.differences.map { ($0.s3Uri, $0) }, uniquingKeysWith: { first, _ in first })
        var differencesSeen: Set<String> = []

        func compare(ours: [(uri: String, status: VerdictStatus)], theirs: [HarnessOutput.Verdict], kind: String) {
            let theirsByURI = Dictionary(theirs.map { ($0.s3Uri, $0) }, uniquingKeysWith: { first, _ in first })
            let oursByURI = Dictionary(ours.map { ($0.uri, $0.status) }, uniquingKeysWith: { first, _ in first })
            for verdict in theirs {
                guard let mine = oursByURI[verdict.s3Uri] else {
                    Issue.record("\(name): the AWS CLI judged \(kind) \(verdict.s3Uri) (\(verdict.status)); we did not")
                    continue
                }
                if let difference = differences[verdict.s3Uri] {
                    #expect(difference.ours == mine.rawValue && difference.awsCli == verdict.status,
                            "\(name): documented difference for \(verdict.s3Uri) is ours=\(difference.ours) cli=\(difference.awsCli), found ours=\(mine.rawValue) cli=\(verdict.status)")
                    differencesSeen.insert(verdict.s3Uri)
                } else {
                    #expect(Self.cliEquivalent(mine) == verdict.status,
                            "\(name): \(kind) \(verdict.s3Uri): ours \(mine.rawValue), AWS CLI \(verdict.status) \(verdict.message ?? "")")
                }
            }
            // What we judge and the CLI never looks at: logs we cannot prove (unverified, unreferenced),
            // and anything else only where expected.json documents it (digests off the chain…).
            for (uri, status) in ours where theirsByURI[uri] == nil {
                if let difference = differences[uri] {
                    #expect(difference.ours == status.rawValue && difference.awsCli == "not_reported",
                            "\(name): documented difference for \(uri) is ours=\(difference.ours) cli=\(difference.awsCli), found ours=\(status.rawValue), not reported by the CLI")
                    differencesSeen.insert(uri)
                } else {
                    #expect(status == .unverified || status == .unreferenced,
                            "\(name): we judged \(kind) \(uri) \(status.rawValue); the AWS CLI never looked at it")
                }
            }
        }
        compare(ours: report.digests.map { ($0.s3URI, $0.status) }, theirs: cli.digests, kind: "digest")
        compare(ours: report.logFiles.map { ($0.s3URI, $0.status) }, theirs: cli.logFiles, kind: "log file")
        let gapsOnlyOurs = (vector.awsCli.gapDifferences ?? []).map { "\($0.start) → \($0.end)" }
        #expect(report.gapLines == (cli.gaps.map { "\($0.start) → \($0.end)" } + gapsOnlyOurs).sorted(), "\(name): gaps")
        #expect(Set(differences.keys) == differencesSeen, "\(name): every documented difference must really happen")
    }

    @Test("our verbose lines for valid files are the AWS CLI's, byte for byte",
          arguments: ["clean-multi-day", "multi-region", "org-trail", "s3-prefix", "key-rotation"])
    func validLinesMatchTheAWSCLI(name: String) async throws {
        let vector = try TestVectorCatalog.expected(name)
        let cli = try Self.runHarness(name)
        let report = try await BucketValidator(options: TestVectorCatalog.options(name, vector)).run()
        let ours = report.textWrites(verbose: true).filter { $0.stream == .standardOutput }.map(\.text).joined()
            .split(separator: "\n").filter { $0.hasPrefix("Digest file\t") || $0.hasPrefix("Log file\t") }.map(String.init)
        let theirs = cli.digests.map { "Digest file\t\($0.s3Uri)\t\($0.status)" } + cli.logFiles.map { "Log file\t\($0.s3Uri)\t\($0.status)" }
        #expect(ours.sorted() == theirs.sorted())
    }
}
