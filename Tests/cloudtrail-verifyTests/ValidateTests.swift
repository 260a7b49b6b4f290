import Foundation
import Testing
@testable import cloudtrail_verify
import CloudTrailVerify

/// The `cloudtrail-verify` binary, run as a user runs it.
enum Binary {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let vectors = repositoryRoot.appendingPathComponent("TestVectors")

    /// Built beside the test bundle by `swift test`.
    static var path: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [beside, beside.deletingLastPathComponent()] {
            let binary = candidate.appendingPathComponent("cloudtrail-verify").path
            if FileManager.default.isExecutableFile(atPath: binary) { return binary }
        }
        return repositoryRoot.appendingPathComponent(".build/debug/cloudtrail-verify").path
    }

    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// `environment`: the child's whole environment (default: this process's).
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if let environment { process.environment = environment }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Drain stderr concurrently so neither pipe can fill and stall the child.
        let errorData = LockedData()
        let reader = Thread { errorData.set(errors.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.isSet { usleep(1000) }
        return Result(status: process.terminationStatus,
                      standardOutput: String(decoding: outputData, as: UTF8.self),
                      standardError: String(decoding: errorData.get(), as: UTF8.self))
    }

    final class LockedData: @unchecked Sendable {
        private let lock = NSLock()
        private var data: Data?
        func set(_ value: Data) { lock.withLock { data = value } }
        func get() -> Data { lock.withLock { data ?? Data() } }
        var isSet: Bool { lock.withLock { data != nil } }
    }

    static var vectorNames: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: vectors.path)) ?? []).filter {
            FileManager.default.fileExists(atPath: vectors.appendingPathComponent($0).appendingPathComponent("expected.json").path)
        }.sorted()
    }
}

@Suite("cloudtrail-verify validate")
struct ValidateTests {
    struct Expected: Decodable {
        struct Entry: Decodable { var s3Uri: String; var status: String; var reason: String? }
        var arguments: [String]
        var exitCode: Int
        var digests: [Entry]
        var logFiles: [Entry]
        var objects: [Entry]?
    }

    @Test("the binary's exit code and JSON report match expected.json", arguments: Binary.vectorNames)
    func binaryMatchesExpectation(name: String) throws {
        let folder = Binary.vectors.appendingPathComponent(name)
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: folder.appendingPathComponent("expected.json")))
        let result = try Binary.run(["validate", "bucket"] + expected.arguments + ["--format", "json"], in: folder)
        #expect(result.status == Int32(expected.exitCode), "\(name): \(result.standardError)")
        let report = try JSONDecoder().decode(ValidationReport.self, from: Data(result.standardOutput.utf8))
        let ours = report.digests.map { "\($0.s3URI) \($0.status.rawValue) \($0.reason?.rawValue ?? "-")" }.sorted()
        let theirs = expected.digests.map { "\($0.s3Uri) \($0.status) \($0.reason ?? "-")" }.sorted()
        #expect(ours == theirs)
        let oursLogs = report.logFiles.map { "\($0.s3URI) \($0.status.rawValue) \($0.reason?.rawValue ?? "-")" }.sorted()
        let theirsLogs = expected.logFiles.map { "\($0.s3Uri) \($0.status) \($0.reason ?? "-")" }.sorted()
        #expect(oursLogs == theirsLogs)
        let oursObjects = report.objects.map { "\($0.s3URI) \($0.status.rawValue) \($0.reason.rawValue)" }.sorted()
        let theirsObjects = (expected.objects ?? []).map { "\($0.s3Uri) \($0.status) \($0.reason ?? "-")" }.sorted()
        #expect(oursObjects == theirsObjects)
    }

    @Test("text output puts every problem on standard error and the summary on standard output", arguments: Binary.vectorNames)
    func textOutputSplitsStreams(name: String) throws {
        let folder = Binary.vectors.appendingPathComponent(name)
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: folder.appendingPathComponent("expected.json")))
        let result = try Binary.run(["validate", "bucket"] + expected.arguments, in: folder)
        #expect(result.status == Int32(expected.exitCode))
        #expect(result.standardOutput.hasPrefix("Validating log files for trail arn:aws:cloudtrail:"))
        #expect(result.standardOutput.contains("Results requested for "))
        let problems = (expected.digests + expected.logFiles + (expected.objects ?? [])).filter { $0.status != "valid" }
        for problem in problems {
            let verdict = ["unverified": "UNVERIFIED:", "unreferenced": "UNREFERENCED:"][problem.status] ?? "INVALID:"
            #expect(result.standardError.contains("\t\(problem.s3Uri)\t\(verdict)"), "\(name): no line for \(problem.s3Uri)")
        }
        if problems.isEmpty {
            // Only gap notices (and what explains them) and notes may appear on standard error when everything is valid.
            let lines = result.standardError.split(separator: "\n")
            #expect(lines.allSatisfy {
                $0.hasPrefix("No log files were delivered by CloudTrail between ") || $0.hasPrefix("\t") || $0.hasPrefix("Note: ")
            })
        }
    }

    @Test("--verbose prints the AWS CLI's line for every valid digest and log file")
    func verboseListsValidFiles() throws {
        let folder = Binary.vectors.appendingPathComponent("clean-multi-day")
        let result = try Binary.run(["validate", "bucket", "--public-keys", "keys", "--verbose"], in: folder)
        #expect(result.status == 0)
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("Digest file\ts3://") && $0.hasSuffix("\tvalid") }.count == 30)
        #expect(lines.filter { $0.hasPrefix("Log file\ts3://") && $0.hasSuffix("\tvalid") }.count == 46)
        #expect(lines.contains("30/30 digest files valid"))
        #expect(lines.contains("46/46 log files valid"))
    }

    @Test("--output writes the JSON report to a file and nothing to standard output")
    func outputFile() throws {
        let folder = Binary.vectors.appendingPathComponent("tampered-log")
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: target) }
        let result = try Binary.run(["validate", "bucket", "--public-keys", "keys", "--format", "json", "--output", target.path], in: folder)
        #expect(result.status == 1)
        #expect(result.standardOutput.isEmpty)
        let report = try JSONDecoder().decode(ValidationReport.self, from: Data(contentsOf: target))
        #expect(report.summary.logFiles.invalid == 1)
    }

    /// Could not run: exit 2 with one line naming the input, and no report.
    @Test("bad invocations exit 2 with one line", arguments: [
        (["validate"], "root"),
        (["validate", "no-such-dir", "--public-keys", "keys"], "no-such-dir"),
        (["validate", "expected.json", "--public-keys", "keys"], "expected.json"),
        (["validate", "bucket"], "--public-keys"),
        (["validate", "bucket", "--public-keys", "no-such-keys"], "no-such-keys"),
        (["validate", "bucket", "--public-keys", "expected.json"], "expected.json"),
        (["validate", "bucket", "--public-keys", "eu-west-1=keys/us-east-1.json"], "us-east-1"),
        (["validate", "bucket", "--public-keys", "keys", "--start-time", "yesterday"], "--start-time"),
        (["validate", "bucket", "--public-keys", "keys", "--start-time", "2025-03-02T00:00:00Z", "--end-time", "2025-03-01T00:00:00Z"], "--start-time"),
        (["validate", "bucket", "--public-keys", "keys", "--trail-arn", "arn:aws:s3:::bucket"], "--trail-arn"),
        (["validate", "bucket", "--public-keys", "keys", "--region", "eu-west-3"], "bucket"),
        (["validate", "bucket", "--public-keys", "keys", "--bucket-root", "nonsense"], "--bucket-root"),
        // The library names the option; the command names the flag and adds the one to use.
        (["validate", "bucket", "--public-keys", "keys", "--incremental"],
         "--incremental: an incremental run needs a checkpoint file (--checkpoint FILE)"),
        (["validate", "bucket", "--public-keys", "keys", "--account-id", "999999999999"],
         "no digest chain matches the prefix, trail, account and region filters (--s3-prefix, --trail-arn, --trail, --account-id, --region)"),
        (["validate", "bucket", "--public-keys", "keys", "--format", "xml"], "format"),
    ])
    func badInvocation(arguments: [String], mentions: String) throws {
        let folder = Binary.vectors.appendingPathComponent("clean-multi-day")
        let result = try Binary.run(arguments, in: folder)
        #expect(result.status == 2, "\(arguments): \(result.standardError)")
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1, "\(arguments): \(result.standardError)")
        #expect(result.standardError.contains(mentions), "\(arguments): \(result.standardError)")
        #expect(result.standardOutput.isEmpty)
    }

    @Test("--output to a device writes through it and leaves it a device (never renames over /dev/null)")
    func outputToADevice() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ctv-device-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let device = folder.appendingPathComponent("null").path
        // A private copy of /dev/null (needs root, as CI runs); a regression must not break the real one.
        guard mknod(device, S_IFCHR | 0o666, (1 << 8) | 3) == 0 else { return }  // major 1, minor 3
        let vector = Binary.vectors.appendingPathComponent("tampered-log")
        let result = try Binary.run(["validate", "bucket", "--public-keys", "keys", "--format", "json", "--output", device], in: vector)
        #expect(result.status == 1)
        var info = stat()
        #expect(stat(device, &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["null"])
    }

    /// `TestVectors/bad-keys/`: each file must stop the run before any output, naming itself.
    @Test("a bad key file exits 2 with one line naming it", arguments: [
        "fingerprint-mismatch.json", "garbage-value.json", "not-json.json", "truncated.pem", "rsa-1024.pem", "ec-p256.pem",
    ])
    func badKeyFile(file: String) throws {
        let folder = Binary.vectors.appendingPathComponent("clean-multi-day")
        let keyFile = Binary.vectors.appendingPathComponent("bad-keys").appendingPathComponent(file).path
        let result = try Binary.run(["validate", "bucket", "--public-keys", "us-east-1=" + keyFile], in: folder)
        #expect(result.status == 2, "\(file): \(result.standardError)")
        #expect(result.standardError.split(separator: "\n").count == 1, "\(file): \(result.standardError)")
        #expect(result.standardError.contains(file))
        #expect(result.standardOutput.isEmpty)
    }

    @Test("white space inside a key's base64 is accepted")
    func wrappedBase64KeyIsAccepted() throws {
        let folder = Binary.vectors.appendingPathComponent("clean-multi-day")
        let keyFile = Binary.vectors.appendingPathComponent("bad-keys/whitespace-in-base64.json").path
        let result = try Binary.run(["validate", "bucket", "--public-keys", "us-east-1=" + keyFile], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
    }

    @Test("--help and --version exit 0")
    func helpAndVersion() throws {
        let help = try Binary.run(["validate", "--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("--public-keys"))
        // Grouped as the README's tables are, with value names and the exit codes.
        let groups = ["WHAT TO VALIDATE:", "WHAT TO EXPECT, AND WHAT TO REMEMBER BETWEEN RUNS:", "HOW STRICT, AND HOW MUCH WORK:", "OUTPUT:"]
        let positions = groups.compactMap { help.standardOutput.range(of: $0)?.lowerBound }
        #expect(positions.count == groups.count && positions == positions.sorted(), "\(help.standardOutput)")
        for valueName in ["--start-time <time>", "--trail-status <file>", "-j, --jobs <n>", "--bucket-root <name=dir>", "-o, --output <file>",
                          "-k, --public-keys <[region=]path>", "-q, --quiet", "-v, --verbose"] {
            #expect(help.standardOutput.contains(valueName), "\(valueName)")
        }
        #expect(help.standardOutput.contains("Exit status: 0"))
        let version = try Binary.run(["--version"])
        #expect(version.status == 0)
        #expect(version.standardOutput == BucketValidator.version + "\n")
    }

    @Test("every option a library error can name maps to a flag validate accepts")
    func optionFlags() throws {
        let help = try Binary.run(["validate", "--help"]).standardOutput
        for option in CloudTrailVerifyError.Option.allCases where option != .root && option != .filters {
            #expect(option.flag.hasPrefix("--") && help.contains(option.flag), "\(option) → \(option.flag)")
        }
        let error = CloudTrailVerifyError(.invalidArgument, "start time is after end time", found: "x", option: .startTime)
        #expect(error.description == "startTime: start time is after end time (found x)")
        #expect(error.commandLineDescription == "--start-time: start time is after end time (found x)")
    }

    @Test("the completion scripts complete folders for ROOT and files for keys and --output", arguments: ["bash", "zsh", "fish"])
    func completionScripts(shell: String) throws {
        let result = try Binary.run(["--generate-completion-script", shell])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("signatures-needed"))
        #expect(result.standardOutput.contains("public-keys") && result.standardOutput.contains("output"))
        if shell == "bash" {
            #expect(result.standardOutput.contains("""
                '-k'|'--public-keys')
                        __cloudtrail-verify_add_completions -f
                """))
            #expect(result.standardOutput.contains("""
                '-o'|'--output')
                        __cloudtrail-verify_add_completions -f
                """))
            #expect(result.standardOutput.contains("""
                1)
                        __cloudtrail-verify_add_completions -d
                """))
        }
    }

    @Test("short flags are the long ones", arguments: [
        (["-k", "keys", "-o", "report.txt", "-j", "2", "-q", "-v"], true),
        (["--public-keys", "keys", "--output", "report.txt", "--jobs", "2", "--quiet", "--verbose"], true),
    ])
    func shortFlags(arguments: [String], _: Bool) throws {
        let command = try Validate.parse(["root"] + arguments)
        #expect(command.scope.publicKeys == ["keys"])
        #expect(command.report.output == "report.txt")
        #expect(command.strictness.jobs == 2)
        #expect(command.report.quiet && command.report.verbose)
    }

    @Test("--output - writes the report to standard output")
    func outputDash() throws {
        let folder = Binary.vectors.appendingPathComponent("tampered-log")
        let result = try Binary.run(["validate", "bucket", "-k", "keys", "--format", "json", "-o", "-"], in: folder)
        #expect(result.status == 1)
        let report = try JSONDecoder().decode(ValidationReport.self, from: Data(result.standardOutput.utf8))
        #expect(report.summary.logFiles.invalid == 1)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("-").path))
    }

    @Test("a report that cannot be written exits 2 with the system's reason", arguments: [
        ("/dev/full", "No space left on device"),
        ("/nonexistent-folder-for-cloudtrail-verify/report.json", "No such file or directory"),
        ("/", "it is a folder"),
    ])
    func outputErrorsSayWhy(target: String, reason: String) throws {
        if target == "/dev/full", !FileManager.default.fileExists(atPath: target) { return }  // Linux only
        let folder = Binary.vectors.appendingPathComponent("clean-multi-day")
        let result = try Binary.run(["validate", "bucket", "-k", "keys", "--format", "json", "-o", target], in: folder)
        #expect(result.status == 2, "\(result.standardError)")
        #expect(result.standardError.contains(reason), "\(result.standardError)")
        #expect(result.standardError.contains(target))
    }

    @Test("--is-organization-trail is accepted and only adds a note")
    func organizationTrailFlag() throws {
        let folder = Binary.vectors.appendingPathComponent("org-trail")
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: folder.appendingPathComponent("expected.json")))
        let plain = try Binary.run(["validate", "bucket"] + expected.arguments, in: folder)
        let flagged = try Binary.run(["validate", "bucket", "--is-organization-trail"] + expected.arguments, in: folder)
        #expect(flagged.status == plain.status)
        #expect(flagged.standardOutput == plain.standardOutput)
        #expect(flagged.standardError == Validate.organizationTrailNote + plain.standardError)
    }

    @Test("command-line options become the library's options")
    func optionsParse() throws {
        let command = try Validate.parse([
            "root", "--public-keys", "keys", "--public-keys", "eu-west-1=other.pem", "--s3-bucket", "b", "--s3-prefix", "p/",
            "--bucket-root", "logs=/data/logs", "--start-time", "2025-03-01T00:00:00Z", "--end-time", "2025-03-02",
            "--region", "us-east-1", "--account-id", "111122223333", "--jobs", "3",
            "--trail", "trails.json", "--trail-status", "status.json", "--expect-digests-through", "2025-03-03T00:00:00Z",
            "--checkpoint", "cp.json", "--incremental", "--strict", "--no-coverage", "--no-gap-explanations", "--no-read-ahead", "--quiet",
        ])
        let options = try command.makeOptions()
        #expect(options.root == "root")
        #expect(options.publicKeys == [PublicKeySource(path: "keys"), PublicKeySource(path: "other.pem", region: "eu-west-1")])
        #expect(options.bucket == "b")
        #expect(options.s3Prefix == "p/")
        #expect(options.bucketRoots == ["logs": "/data/logs"])
        #expect(options.window.start == CloudTrailTime.parse("2025-03-01T00:00:00Z"))
        #expect(options.window.end == CloudTrailTime.parse("2025-03-02T00:00:00Z"))
        #expect(options.regions == ["us-east-1"])
        #expect(options.accountID == "111122223333")
        #expect(options.concurrency == 3)
        #expect(options.trailFiles == ["trails.json"])
        #expect(options.trailStatusFile == "status.json")
        #expect(options.expectDigestsThrough == CloudTrailTime.parse("2025-03-03T00:00:00Z"))
        #expect(options.checkpointFile == "cp.json")
        #expect(options.incremental && options.strict)
        #expect(!options.checkCoverage && !options.explainGaps && !options.readAhead)
        #expect(command.report.quiet)
        // The defaults: every check on, nothing strict.
        let plain = try Validate.parse(["root", "--public-keys", "keys"]).makeOptions()
        #expect(plain.checkCoverage && plain.explainGaps && plain.readAhead && !plain.strict && !plain.incremental)
    }
}
