import Foundation
import Testing

/// A misplaced ROOT, the wrong keys, a window outside the disk: the binary exits 2 with one line
/// saying what to do, never a tampering verdict.
@Suite("cloudtrail-verify validate: user mistakes")
struct UserMistakeTests {
    @Test("a user mistake exits 2 with one line saying what to do", arguments: [
        (["validate", ".", "--public-keys", "keys"], "ROOT is a folder above the bucket copy: the digests' own digestS3Object puts the bucket's root at ./bucket; pass that folder as ROOT"),
        (["validate", "bucket/AWSLogs", "--public-keys", "keys"], "ROOT is a folder inside the bucket copy"),
        (["validate", "bucket/AWSLogs/111122223333/CloudTrail-Digest/us-east-1", "--public-keys", "keys"], "/clean-multi-day/bucket as ROOT"),
        (["validate", "bucket", "--public-keys", "us-east-1=../key-other-region/keys/us-west-2.json"],
         "aws cloudtrail list-public-keys --region us-east-1 --start-time 2025-03-01T00:00:00Z"),
        // Only the real AWS key of the AWS CLI's example (2016): the key of another time.
        (["validate", "bucket", "--public-keys", "us-east-1=../real-world/list-public-keys.json"],
         "(us-east-1: 7f3f401420072e50a65a141430817ab3, valid 2016-01-18T00:25:02Z to 2016-02-17T00:25:02Z)"),
        (["validate", "bucket", "--public-keys", "keys", "--start-time", "2030-01-01T00:00:00Z"],
         "digests on disk span 2025-03-01T17:09:41Z to 2025-03-02T22:09:58Z"),
    ])
    func mistakeExits2(arguments: [String], mentions: String) throws {
        let folder = Binary.vectors.appendingPathComponent("clean-multi-day")
        let result = try Binary.run(arguments, in: folder)
        #expect(result.status == 2, "\(arguments): \(result.standardError)")
        #expect(result.standardError.split(separator: "\n").count == 1, "\(arguments): \(result.standardError)")
        #expect(result.standardError.hasPrefix("cloudtrail-verify: error: "))
        #expect(result.standardError.contains(mentions), "\(arguments): \(result.standardError)")
        #expect(result.standardOutput.isEmpty)
    }

    @Test("list-public-keys > keys.json just works, with a note that its keys serve every region")
    func keyFileNamedAnything() throws {
        let folder = Binary.vectors.appendingPathComponent("clean-multi-day")
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("ctv-keys-\(UUID().uuidString).json")
        try FileManager.default.copyItem(at: folder.appendingPathComponent("keys/us-east-1.json"), to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        let result = try Binary.run(["validate", "bucket", "--public-keys", copy.path], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.hasPrefix("Note: the keys in \(copy.path) are bound to no region"))
    }
}
