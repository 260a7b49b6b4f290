import Foundation
import Testing
import CloudTrailVerify

/// `validate --shard K/N` and `cloudtrail-verify merge`, run as a batch engine runs them.
@Suite("cloudtrail-verify merge")
struct MergeCommandTests {
    struct Arguments: Decodable { var arguments: [String] }

    static func arguments(_ name: String) throws -> [String] {
        let folder = Binary.vectors.appendingPathComponent(name)
        return try JSONDecoder().decode(Arguments.self, from: Data(contentsOf: folder.appendingPathComponent("expected.json"))).arguments
    }

    /// Vectors with several account and region folders, findings across folders, and folders no chain covers.
    static let vectors = ["two-trails", "org-trail", "multi-region", "orphan-log-folders", "digest-wrong-place", "clean-multi-day", "shared-log-folder"]

    @Test("merging the shards' JSON reports writes the single run's JSON and text, with its exit status", arguments: vectors)
    func mergeWritesTheSingleRun(name: String) throws {
        let folder = Binary.vectors.appendingPathComponent(name)
        let arguments = try Self.arguments(name)
        let single = try Binary.run(["validate", "bucket"] + arguments + ["--format", "json"], in: folder)
        let singleText = try Binary.run(["validate", "bucket"] + arguments, in: folder)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("merge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        for count in [2, 3] {
            var reports: [String] = []
            for index in 0..<count {
                let report = scratch.appendingPathComponent("\(count)-\(index).json").path
                let shard = try Binary.run(["validate", "bucket"] + arguments + ["--shard", "\(index)/\(count)", "--format", "json", "-o", report], in: folder)
                #expect(shard.status == 0 || shard.status == 1, "\(name) shard \(index)/\(count): \(shard.standardError)")
                reports.append(report)
            }
            let merged = try Binary.run(["merge"] + reports.reversed() + ["--format", "json"])
            #expect(merged.status == single.status, "\(name) from \(count) shards: \(merged.standardError)")
            #expect(merged.standardOutput == single.standardOutput, "\(name): JSON from \(count) shards")
            let text = try Binary.run(["merge"] + reports)
            #expect(text.status == singleText.status)
            #expect(text.standardOutput == singleText.standardOutput, "\(name): text from \(count) shards")
            #expect(text.standardError == singleText.standardError, "\(name): text problems from \(count) shards")
            let html = try Binary.run(["merge"] + reports + ["--format", "html"])
            #expect(html.status == single.status && html.standardOutput.contains("<html"), "\(name): HTML from \(count) shards")
        }
    }

    @Test("merge names the missing or duplicate shard and exits 2")
    func mergeRefusesIncompleteSets() throws {
        let folder = Binary.vectors.appendingPathComponent("multi-region")
        let arguments = try Self.arguments("multi-region")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("merge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var reports: [String] = []
        for index in 0..<3 {
            let report = scratch.appendingPathComponent("\(index).json").path
            _ = try Binary.run(["validate", "bucket"] + arguments + ["--shard", "\(index)/3", "--format", "json", "-o", report], in: folder)
            reports.append(report)
        }
        let missing = try Binary.run(["merge", reports[0], reports[2]])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("shard 1/3 missing"))
        #expect(missing.standardError.split(separator: "\n").count == 1)
        let twice = try Binary.run(["merge", reports[0], reports[1], reports[2], reports[1]])
        #expect(twice.status == 2)
        #expect(twice.standardError.contains("shard 1/3 is given twice"))
        let windowed = scratch.appendingPathComponent("windowed.json").path
        _ = try Binary.run(["validate", "bucket"] + arguments + ["--shard", "1/3", "--format", "json", "-o", windowed,
                                                                 "--end-time", "2030-01-01T00:00:00Z"], in: folder)
        let mismatched = try Binary.run(["merge", reports[0], windowed, reports[2]])
        #expect(mismatched.status == 2)
        #expect(mismatched.standardError.contains("the end time differs"))
    }

    @Test("--shard auto without a batch engine's variables, or out of range, exits 2 with one line")
    func autoShardNeedsTheEngine() throws {
        let folder = Binary.vectors.appendingPathComponent("clean-multi-day")
        // The test process may itself run under a batch engine: the child gets a clean environment.
        let result = try Binary.run(["validate", "bucket", "--public-keys", "keys", "--shard", "auto"], in: folder, environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("SLURM_ARRAY_TASK_ID"))
        #expect(result.standardError.split(separator: "\n").count == 1)
        let outOfRange = try Binary.run(["validate", "bucket", "--public-keys", "keys", "--shard", "auto"], in: folder,
                                        environment: ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "3"])
        #expect(outOfRange.status == 2)
        #expect(outOfRange.standardError.split(separator: "\n").count == 1)
        let slurm = try Binary.run(["validate", "bucket", "--public-keys", "keys", "--shard", "auto", "--format", "json"], in: folder,
                                   environment: ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "1"])
        #expect(slurm.status == 0)
        let report = try JSONDecoder().decode(ValidationReport.self, from: Data(slurm.standardOutput.utf8))
        #expect(report.inputs.shard?.index == 0 && report.inputs.shard?.count == 1)
    }
}

extension MergeCommandTests {
    static func shell(_ script: String, environment: [String: String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [Binary.repositoryRoot.appendingPathComponent(script).path]
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("deploy/run-shard.sh and merge-shards.sh, run as Kubernetes Indexed Job pods would, give the single run's report")
    func deployScriptsRunShardsAndMerge() throws {
        let vector = Binary.vectors.appendingPathComponent("orphan-log-folders")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("deploy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let binaryFolder = URL(fileURLWithPath: Binary.path).deletingLastPathComponent().path
        let deploy = Binary.repositoryRoot.appendingPathComponent("deploy").path
        var environment = ["PATH": "\(binaryFolder):\(deploy):/usr/bin:/bin", "SHARDS": "3",
                           "ROOT": vector.appendingPathComponent("bucket").path, "KEYS": vector.appendingPathComponent("keys").path,
                           "REPORTS": scratch.path]
        for index in 0..<3 {
            environment["JOB_COMPLETION_INDEX"] = "\(index)"
            let shard = try Self.shell("deploy/run-shard.sh", environment: environment)
            #expect(shard.status == 0, "shard \(index): \(shard.output)")
        }
        environment["JOB_COMPLETION_INDEX"] = nil
        let merge = try Self.shell("deploy/merge-shards.sh", environment: environment)
        let single = try Binary.run(["validate", environment["ROOT"]!, "--public-keys", environment["KEYS"]!, "--format", "json"])
        #expect(merge.status == single.status, "\(merge.output)")
        let merged = try String(contentsOf: scratch.appendingPathComponent("merged.json"), encoding: .utf8)
        #expect(merged == single.standardOutput)
        #expect(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("merged.html").path))
    }
}
