import Foundation
import Testing

/// `scripts/fetch-bucket.sh`, run against `Tests/FakeAWS/aws`: a stand-in AWS CLI that serves a
/// test vector as S3 and CloudTrail and logs every call, so the calls can be counted.
@Suite("scripts/fetch-bucket.sh through a stand-in aws")
struct FetchBucketScriptTests {
    static let bucketName = "aws-cloudtrail-logs-111122223333-3f8a2b1c"
    static let script = Binary.repositoryRoot.appendingPathComponent("scripts/fetch-bucket.sh").path
    static let fakeAWS = Binary.repositoryRoot.appendingPathComponent("Tests/FakeAWS/aws").path

    /// A scratch folder with `bin/aws` (the stand-in) and `bin/cloudtrail-verify` (the binary under test).
    final class Sandbox {
        let folder: String
        let bin: String
        let log: String

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("ctv fetch \(UUID().uuidString)").path
            bin = folder + "/bin"
            log = folder + "/aws-calls.jsonl"
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: bin + "/aws", withDestinationPath: FetchBucketScriptTests.fakeAWS)
        }

        deinit { try? FileManager.default.removeItem(atPath: folder) }

        /// Runs the script (or `bash -c command`) with the stand-in first on PATH.
        func run(_ arguments: [String], vector: String, fail: String? = nil, verifier: Bool = true,
                 in directory: String? = nil, shell command: String? = nil) throws -> Binary.Result {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = command.map { ["bash", "-c", $0] } ?? (["bash", FetchBucketScriptTests.script] + arguments)
            var environment = ProcessInfo.processInfo.environment
            var path = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
            // Without the binary, the script must fall back to asking for every digest: keep any installed copy out of reach.
            if !verifier {
                path.removeAll { FileManager.default.isExecutableFile(atPath: $0 + "/cloudtrail-verify") }
            }
            environment["PATH"] = ([bin] + path).joined(separator: ":")
            environment["CLOUDTRAIL_VERIFY"] = verifier ? Binary.path : nil
            environment["FAKE_AWS_VECTOR"] = Binary.vectors.appendingPathComponent(vector).path
            environment["FAKE_AWS_LOG"] = log
            environment["FAKE_AWS_FAIL"] = fail
            environment["FETCH_RETRY_DELAY"] = "0"
            process.environment = environment
            process.currentDirectoryURL = URL(fileURLWithPath: directory ?? folder)
            let output = Pipe()
            let errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            let errorData = Binary.LockedData()
            let reader = Thread { errorData.set(errors.fileHandleForReading.readDataToEndOfFile()) }
            reader.start()
            let outputData = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            while !errorData.isSet { usleep(1000) }
            return Binary.Result(status: process.terminationStatus,
                                 standardOutput: String(decoding: outputData, as: UTF8.self),
                                 standardError: String(decoding: errorData.get(), as: UTF8.self))
        }

        /// One call the stand-in received: its arguments (without `--profile X`) and the profile.
        struct Call: Decodable { var args: [String]; var profile: String? }

        /// The calls the stand-in received, and forgets them.
        func takeCallsWithProfiles() throws -> [Call] {
            guard FileManager.default.fileExists(atPath: log) else { return [] }
            let text = try String(contentsOfFile: log, encoding: .utf8)
            try FileManager.default.removeItem(atPath: log)
            return try text.split(separator: "\n").map { try JSONDecoder().decode(Call.self, from: Data($0.utf8)) }
        }

        /// The arguments of the calls the stand-in received, and forgets them.
        func takeCalls() throws -> [[String]] { try takeCallsWithProfiles().map(\.args) }

        /// The "Next:" command the script printed, run as printed (with the binary under test on PATH).
        func runNext(_ result: Binary.Result, vector: String) throws -> Binary.Result {
            let lines = result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
            guard let at = lines.firstIndex(of: "Next:"), at + 1 < lines.count else {
                Issue.record("no Next: line in \(result.standardOutput)")
                return Binary.Result(status: -1, standardOutput: "", standardError: "")
            }
            try? FileManager.default.createSymbolicLink(atPath: bin + "/cloudtrail-verify", withDestinationPath: Binary.path)
            return try run([], vector: vector, in: "/", shell: String(lines[at + 1]) + " --quiet")
        }
    }

    static func count(_ calls: [[String]], _ words: String...) -> Int {
        calls.filter { Array($0.prefix(words.count)) == words }.count
    }

    @Test("one head-object per chain, none on a re-run, and the copy validates with the printed Next: command (spaces in DEST)")
    func oneCallPerChain() throws {
        let sandbox = try Sandbox()
        // A trailing slash, spaces: normalised and quoted.
        let dest = sandbox.folder + "/my copy/"
        let first = try sandbox.run([Self.bucketName, dest], vector: "clean-multi-day")
        #expect(first.status == 0, "\(first.standardError)")
        var calls = try sandbox.takeCalls()
        #expect(Self.count(calls, "s3", "sync") == 1)
        #expect(Self.count(calls, "s3api", "head-object") == 1, "30 digests, one chain: only the newest needs its metadata")
        #expect(Self.count(calls, "cloudtrail", "list-public-keys") == 1)
        #expect(FileManager.default.fileExists(atPath: sandbox.folder + "/my copy-keys/us-east-1.json"))
        #expect(first.standardOutput.contains("'\(sandbox.folder)/my copy'"))
        let validated = try sandbox.runNext(first, vector: "clean-multi-day")
        #expect(validated.status == 0, "\(validated.standardError)")

        let again = try sandbox.run([Self.bucketName, dest], vector: "clean-multi-day")
        #expect(again.status == 0, "\(again.standardError)")
        calls = try sandbox.takeCalls()
        #expect(Self.count(calls, "s3api", "head-object") == 0, "nothing new: no head-object call")
    }

    @Test("a gap costs one more call: the last digest before it")
    func oneCallPerGap() throws {
        let sandbox = try Sandbox()
        let result = try sandbox.run([Self.bucketName, "copy", "--quiet"], vector: "validation-disabled-gap")
        #expect(result.status == 0, "\(result.standardError)")
        let calls = try sandbox.takeCalls()
        #expect(Self.count(calls, "s3api", "head-object") == 2)
        #expect(calls.contains(["s3", "sync", "s3://\(Self.bucketName)", sandbox.folder + "/copy", "--only-show-errors"]))
        let validated = try sandbox.runNext(result, vector: "validation-disabled-gap")
        #expect(validated.status == 0, "\(validated.standardError)")
    }

    @Test("a plain copy's newest digest gets its sidecar, so the chain validates (the vector alone exits 1)")
    func noMetadataBecomesValid() throws {
        let sandbox = try Sandbox()
        let result = try sandbox.run([Self.bucketName, "copy", "--regions", "us-east-1", "--profile", "audit"], vector: "no-metadata")
        #expect(result.status == 0, "\(result.standardError)")
        let calls = try sandbox.takeCallsWithProfiles()
        #expect(calls.allSatisfy { $0.profile == "audit" }, "every call carries --profile")
        #expect(Self.count(calls.map(\.args), "s3api", "head-object") == 1)
        #expect(try sandbox.runNext(result, vector: "no-metadata").status == 0)
    }

    @Test("a failing call is tried 3 times, and succeeds on the third")
    func retries() throws {
        let sandbox = try Sandbox()
        let result = try sandbox.run([Self.bucketName, "copy", "--quiet"], vector: "no-metadata", fail: "head-object:2")
        #expect(result.status == 0, "\(result.standardError)")
        #expect(Self.count(try sandbox.takeCalls(), "s3api", "head-object") == 3)
        #expect(result.standardError.contains("try 2 of 3"))
    }

    @Test("calls that keep failing are skipped, the rest go on, and the summary names what is missing (exit 1)")
    func failuresAreSummed() throws {
        let sandbox = try Sandbox()
        let result = try sandbox.run([Self.bucketName, "copy", "--quiet"], vector: "validation-disabled-gap", fail: "head-object:always")
        #expect(result.status == 1)
        let calls = try sandbox.takeCalls()
        #expect(Self.count(calls, "s3api", "head-object") == 6, "two digests, three tries each")
        #expect(Self.count(calls, "cloudtrail", "list-public-keys") == 1, "the keys are still fetched")
        #expect(result.standardError.contains("MISSING: the S3 metadata (signature) of 2 digest(s)"))
        #expect(result.standardError.contains("_20250313T040944Z.json.gz"))
        #expect(result.standardOutput.contains("Next:"))

        let keys = try sandbox.run([Self.bucketName, "copy", "--quiet"], vector: "validation-disabled-gap",
                                   fail: "list-public-keys:always")
        #expect(keys.status == 1)
        let second = try sandbox.takeCalls()
        #expect(Self.count(second, "cloudtrail", "list-public-keys") == 3)
        #expect(Self.count(second, "s3api", "head-object") == 2, "the sidecars the first run missed, and only those")
        #expect(keys.standardError.contains("MISSING: the public keys of us-east-1"))
    }

    @Test("a failed sync does not stop the rest, and is named in the summary")
    func failedSync() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.run([Self.bucketName, "copy", "--quiet"], vector: "clean-multi-day").status == 0)
        _ = try sandbox.takeCalls()
        let result = try sandbox.run([Self.bucketName, "copy", "--quiet"], vector: "clean-multi-day", fail: "sync:always")
        #expect(result.status == 1)
        #expect(result.standardError.contains("MISSING: aws s3 sync s3://\(Self.bucketName) failed"))
        let calls = try sandbox.takeCalls()
        #expect(Self.count(calls, "cloudtrail", "list-public-keys") == 1)
        #expect(Self.count(calls, "s3api", "head-object") == 0)
    }

    @Test("bad invocations exit 2 before any call", arguments: [
        ["s3://\(bucketName)/AWSLogs", "copy"], ["only-bucket"], [bucketName, "copy", "--nonsense"], [bucketName, "/"],
    ])
    func badInvocation(arguments: [String]) throws {
        let sandbox = try Sandbox()
        let result = try sandbox.run(arguments, vector: "clean-multi-day")
        #expect(result.status == 2, "\(result.standardError)")
        #expect(try sandbox.takeCalls().isEmpty)
    }

    @Test("DEST '.' is the current folder, and the keys go beside it")
    func destinationDot() throws {
        let sandbox = try Sandbox()
        let here = sandbox.folder + "/bucket copy"
        try FileManager.default.createDirectory(atPath: here, withIntermediateDirectories: true)
        let result = try sandbox.run([Self.bucketName, ".", "--quiet"], vector: "clean-multi-day", in: here)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(FileManager.default.fileExists(atPath: sandbox.folder + "/bucket copy-keys/us-east-1.json"))
        #expect(try sandbox.runNext(result, vector: "clean-multi-day").status == 0)
    }

    @Test("--prefix syncs and validates only that prefix")
    func prefix() throws {
        let sandbox = try Sandbox()
        let result = try sandbox.run(["s3://\(Self.bucketName)/", "copy", "--prefix", "/audit/prod/", "--quiet"], vector: "s3-prefix")
        #expect(result.status == 0, "\(result.standardError)")
        let calls = try sandbox.takeCalls()
        #expect(calls.contains(["s3", "sync", "s3://\(Self.bucketName)/audit/prod", sandbox.folder + "/copy/audit/prod", "--only-show-errors"]))
        #expect(result.standardOutput.contains("--s3-prefix audit/prod"))
        #expect(try sandbox.runNext(result, vector: "s3-prefix").status == 0)
    }

    @Test("without cloudtrail-verify it asks for every digest once, and never again")
    func withoutTheBinary() throws {
        let sandbox = try Sandbox()
        let result = try sandbox.run([Self.bucketName, "copy", "--quiet"], vector: "no-metadata", verifier: false)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("cloudtrail-verify is not on PATH"))
        #expect(Self.count(try sandbox.takeCalls(), "s3api", "head-object") == 5)
        _ = try sandbox.run([Self.bucketName, "copy", "--quiet"], vector: "no-metadata", verifier: false)
        #expect(Self.count(try sandbox.takeCalls(), "s3api", "head-object") == 0)
    }
}
