import Foundation
import Testing
@testable import cloudtrail_verify

@Suite("cloudtrail-verify signatures-needed")
struct SignaturesNeededCommandTests {
    static let newest = "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/03/20/"
        + "111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_20250320T071241Z.json.gz"

    @Test("prints one key per line, and a summary on standard error")
    func linePerKey() throws {
        let folder = Binary.vectors.appendingPathComponent("no-metadata")
        let result = try Binary.run(["signatures-needed", "bucket"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == Self.newest + "\n")
        #expect(result.standardError == "5 digest files: 0 have their own signature metadata, 4 are vouched for by the next digest, 1 need their metadata\n")
    }

    @Test("--null ends keys with NUL, --verbose adds the reason, --quiet drops the summary")
    func formats() throws {
        let folder = Binary.vectors.appendingPathComponent("no-metadata")
        let null = try Binary.run(["signatures-needed", "bucket", "-0", "-q"], in: folder)
        #expect(null.standardOutput == Self.newest + "\0")
        #expect(null.standardError.isEmpty)
        let verbose = try Binary.run(["signatures-needed", "bucket/", "--verbose", "--region", "us-east-1"], in: folder)
        #expect(verbose.standardOutput.hasPrefix(Self.newest + "\tno_successor: "))
    }

    @Test("a copy with every sidecar prints nothing and exits 0")
    func nothingNeeded() throws {
        let result = try Binary.run(["signatures-needed", "bucket", "-q"], in: Binary.vectors.appendingPathComponent("clean-multi-day"))
        #expect(result.status == 0)
        #expect(result.standardOutput.isEmpty)
    }

    @Test("could not run: exit 2 with one line", arguments: [
        (["signatures-needed", "no-such-dir"], "no-such-dir"),
        (["signatures-needed", "keys"], "no CloudTrail digest files"),
        (["signatures-needed", "bucket", "--region", "eu-west-3"], "--region"),
        (["signatures-needed", "bucket", "--trail-arn", "nonsense"], "--trail-arn"),
    ])
    func couldNotRun(arguments: [String], mentions: String) throws {
        let result = try Binary.run(arguments, in: Binary.vectors.appendingPathComponent("no-metadata"))
        #expect(result.status == 2)
        #expect(result.standardError.split(separator: "\n").count == 1, "\(result.standardError)")
        #expect(result.standardError.contains(mentions), "\(result.standardError)")
        #expect(result.standardOutput.isEmpty)
    }

    @Test("options become the library's filters")
    func optionsParse() throws {
        let command = try SignaturesNeededCommand.parse([
            "root", "--bucket", "b", "--s3-prefix", "p", "--trail-arn", "arn:aws:cloudtrail:us-east-1:111122223333:trail/t",
            "--account-id", "111122223333", "--region", "us-east-1", "--region", "eu-west-1",
        ])
        let options = command.options
        #expect(options.root == "root" && options.bucket == "b" && options.s3Prefix == "p")
        #expect(options.trailARN == "arn:aws:cloudtrail:us-east-1:111122223333:trail/t")
        #expect(options.accountID == "111122223333" && options.regions == ["us-east-1", "eu-west-1"])
    }
}
