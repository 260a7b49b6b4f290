import Foundation
import Testing
@testable import CloudTrailVerify

@Suite("ValidationCheckpoint")
struct ValidationCheckpointTests {
    static let digestHash = String(repeating: "ab", count: 32)
    static let signatureHash = String(repeating: "0f", count: 32)

    static func sample(endTime: String = "2025-03-01T18:09:41Z") -> ValidationCheckpoint {
        ValidationCheckpoint(chains: [
            "111122223333/us-east-1/management-events": .init(
                digestS3Uri: "s3://aws-cloudtrail-logs-111122223333-3f8a2b1c/" + TestSupport.Clean.secondDigestKey,
                digestEndTime: endTime, digestSHA256: digestHash, signatureSHA256: signatureHash,
                recordedAt: "2025-03-02T08:00:00Z"),
            "111122223333/eu-west-1/management-events": .init(
                digestS3Uri: "s3://bucket/AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2025/03/01/d.json.gz",
                digestEndTime: "2025-03-01T17:00:00Z", digestSHA256: digestHash.uppercased(), signatureSHA256: nil,
                recordedAt: "2025-03-02T08:00:00.250Z"),
        ])
    }

    /// Names of every entry in `folder`.
    static func entries(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    static func loadError(_ path: String) -> CloudTrailVerifyError? {
        do {
            let checkpoint = try ValidationCheckpoint.load(path: path)
            Issue.record("loaded \(String(describing: checkpoint))")
            return nil
        } catch {
            return error
        }
    }

    // MARK: Round trip

    @Test("what write writes, load reads back equal; the file is sorted JSON with unescaped slashes")
    func roundTrip() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = dir + "/checkpoint.json"
            let checkpoint = Self.sample()
            try checkpoint.write(to: path)
            #expect(try ValidationCheckpoint.load(path: path) == checkpoint)
            let text = String(decoding: try TestSupport.bytes(atPath: path), as: UTF8.self)
            #expect(text.contains(#""digestS3Uri" : "s3://aws-cloudtrail-logs-111122223333-3f8a2b1c/AWSLogs/"#))
            #expect(text.hasSuffix("}\n"))
            // The absent signature is left out, not written as null.
            #expect(!text.contains("null"))
            #expect(try Self.entries(dir) == ["checkpoint.json"])
        }
    }

    @Test("an empty checkpoint round-trips too")
    func emptyRoundTrip() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = dir + "/checkpoint.json"
            try ValidationCheckpoint().write(to: path)
            #expect(try ValidationCheckpoint.load(path: path) == ValidationCheckpoint(version: 1, chains: [:]))
        }
    }

    @Test("writing again replaces the old checkpoint and leaves no temporary file")
    func replaces() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = dir + "/checkpoint.json"
            try Self.sample().write(to: path)
            let newer = Self.sample(endTime: "2025-03-01T19:09:41Z")
            try newer.write(to: path)
            #expect(try ValidationCheckpoint.load(path: path) == newer)
            #expect(try Self.entries(dir) == ["checkpoint.json"])
        }
    }

    @Test("a replaced checkpoint keeps the old one's permissions")
    func keepsPermissions() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = dir + "/checkpoint.json"
            try Self.sample().write(to: path)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            try Self.sample(endTime: "2025-03-01T19:09:41Z").write(to: path)
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        }
    }

    @Test("a relative path with no folder is written in the working directory's terms")
    func bareName() {
        #expect(ValidationCheckpoint.folder(of: "checkpoint.json") == ".")
        #expect(ValidationCheckpoint.folder(of: "/checkpoint.json") == "/")
        #expect(ValidationCheckpoint.folder(of: "state/checkpoint.json") == "state")
    }

    // MARK: Missing and malformed files

    @Test("load gives nil when there is no file, even when the folder does not exist")
    func missing() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            #expect(try ValidationCheckpoint.load(path: dir + "/checkpoint.json") == nil)
            #expect(try ValidationCheckpoint.load(path: dir + "/no-such-folder/checkpoint.json") == nil)
        }
    }

    @Test("a folder or a dangling link at the path is unreadableInput, not a first run")
    func notAFile() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            #expect(Self.loadError(dir)?.code == .unreadableInput)
            let link = dir + "/link.json"
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: dir + "/nowhere.json")
            #expect(Self.loadError(link)?.code == .unreadableInput)
        }
    }

    static let entryText = #"{"digestS3Uri": "s3://b/k", "digestEndTime": "2025-03-01T18:09:41Z", "digestSHA256": "\#(digestHash)", "recordedAt": "2025-03-02T08:00:00Z"}"#

    @Test("a malformed checkpoint is malformedCheckpoint, never nil", arguments: [
        ("", "not valid JSON"),
        ("{\"version\": 1, \"chains\": {}", "not valid JSON"),
        ("[]", "not a JSON object"),
        (#"{"chains": {}}"#, "version"),
        (#"{"version": "1", "chains": {}}"#, "version"),
        (#"{"version": 1.5, "chains": {}}"#, "version"),
        (#"{"version": 2, "chains": {}}"#, "newer"),
        (#"{"version": 0, "chains": {}}"#, "not known"),
        (#"{"version": 1}"#, "no chains"),
        (#"{"version": 1, "chains": []}"#, "no chains"),
        (#"{"version": 1, "chains": {}, "version": 1}"#, "duplicate key"),
        (#"{"version": 1, "chains": {"c": 5}}"#, "not an object"),
        (#"{"version": 1, "chains": {"c": {}}}"#, "digestS3Uri is missing"),
        (#"{"version": 1, "chains": {"c": \#(entryText.replacingOccurrences(of: "s3://b/k", with: "/b/k"))}}"#, "not an S3 URI"),
        (#"{"version": 1, "chains": {"c": \#(entryText.replacingOccurrences(of: "2025-03-01T18:09:41Z", with: "soon"))}}"#, "digestEndTime"),
        (#"{"version": 1, "chains": {"c": \#(entryText.replacingOccurrences(of: digestHash, with: "abc"))}}"#, "digestSHA256"),
        (#"{"version": 1, "chains": {"c": \#(entryText.replacingOccurrences(of: "}", with: #", "signatureSHA256": 7}"#))}}"#, "signatureSHA256"),
        (#"{"version": 1, "chains": {"c": \#(entryText.replacingOccurrences(of: "}", with: #", "signatureSHA256": "zz"}"#))}}"#, "signatureSHA256"),
        (#"{"version": 1, "chains": {"": \#(entryText)}}"#, "chain id is empty"),
    ])
    func malformed(text: String, messageContains: String) throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = dir + "/checkpoint.json"
            try TestSupport.write(text, to: path)
            let error = try #require(Self.loadError(path))
            #expect(error.code == .malformedCheckpoint)
            #expect(error.path == path)
            #expect(error.message.contains(messageContains), "\(error)")
        }
    }

    @Test("accepts a hand-written file: null signature, unknown extra fields")
    func lenientButTyped() throws {
        let text = #"{"version": 1, "note": "by hand", "chains": {"c": \#(Self.entryText.replacingOccurrences(of: "}", with: #", "signatureSHA256": null, "extra": [1]}"#))}}"#
        let checkpoint = try ValidationCheckpoint.parse(Array(text.utf8), path: "c.json")
        #expect(checkpoint.chains["c"]?.signatureSHA256 == nil)
        #expect(checkpoint.chains["c"]?.digestS3Uri == "s3://b/k")
    }

    @Test("write refuses a checkpoint load would refuse, and leaves no file")
    func writeRefusesInvalid() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            var checkpoint = Self.sample()
            checkpoint.chains["bad"] = .init(digestS3Uri: "s3://b/k", digestEndTime: "2025-03-01T18:09:41Z",
                                             digestSHA256: "not a hash", signatureSHA256: nil, recordedAt: "2025-03-02T08:00:00Z")
            do throws(CloudTrailVerifyError) {
                try checkpoint.write(to: dir + "/checkpoint.json")
                Issue.record("wrote an invalid checkpoint")
            } catch {
                #expect(error.code == .outputFailed)
                #expect(error.message.contains("digestSHA256"))
            }
            #expect(try Self.entries(dir).isEmpty)
        }
    }

    // MARK: Crash safety

    @Test("a failure at any step leaves the old checkpoint byte for byte and no temporary file",
          arguments: ValidationCheckpoint.WriteStep.allCases)
    func failureKeepsOld(step: ValidationCheckpoint.WriteStep) throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = dir + "/checkpoint.json"
            try Self.sample().write(to: path)
            let before = try TestSupport.bytes(atPath: path)
            do throws(CloudTrailVerifyError) {
                try Self.sample(endTime: "2025-03-01T19:09:41Z").write(to: path, failingAt: step)
                Issue.record("a simulated failure at \(step) was not reported")
            } catch {
                #expect(error.code == .outputFailed)
                #expect(error.path == path)
            }
            #expect(try TestSupport.bytes(atPath: path) == before)
            #expect(try ValidationCheckpoint.load(path: path) == Self.sample())
            #expect(try Self.entries(dir) == ["checkpoint.json"])
        }
    }

    @Test("a folder that cannot be written to is outputFailed and the old checkpoint stays",
          .enabled(if: getuid() != 0, "root writes to read-only folders anyway"))
    func readOnlyFolder() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let folder = dir + "/state"
            try TestSupport.createDirectory(folder)
            let path = folder + "/checkpoint.json"
            try Self.sample().write(to: path)
            let before = try TestSupport.bytes(atPath: path)
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder)
            defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder) }
            do throws(CloudTrailVerifyError) {
                try Self.sample(endTime: "2025-03-01T19:09:41Z").write(to: path)
                Issue.record("wrote into a read-only folder")
            } catch {
                #expect(error.code == .outputFailed)
                #expect(error.message.contains("temporary file"))
            }
            #expect(try TestSupport.bytes(atPath: path) == before)
        }
    }

    @Test("writing into a folder that does not exist is outputFailed")
    func missingFolder() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            do throws(CloudTrailVerifyError) {
                try Self.sample().write(to: dir + "/missing/checkpoint.json")
                Issue.record("wrote into a missing folder")
            } catch {
                #expect(error.code == .outputFailed)
                #expect(error.path == dir + "/missing/checkpoint.json")
            }
        }
    }

    @Test("a half-written temporary file left by a crash breaks neither load nor the next write")
    func leftoverTemporaryFile() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = dir + "/checkpoint.json"
            try Self.sample().write(to: path)
            let leftover = dir + "/.checkpoint.json.tmp-4242-DEADBEEF"
            try TestSupport.write(#"{"version": 1, "chains": {"c": {"digestS3"#, to: leftover)
            #expect(try ValidationCheckpoint.load(path: path) == Self.sample())
            let newer = Self.sample(endTime: "2025-03-01T19:09:41Z")
            try newer.write(to: path)
            #expect(try ValidationCheckpoint.load(path: path) == newer)
            // The leftover is someone else's (or a dead run's): never touched.
            #expect(try Self.entries(dir) == [".checkpoint.json.tmp-4242-DEADBEEF", "checkpoint.json"])
        }
    }
}
