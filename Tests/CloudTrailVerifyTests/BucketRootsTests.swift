import Foundation
import Testing
@testable import CloudTrailVerify

@Suite("BucketRoots")
struct BucketRootsTests {
    static func unsafeReason(_ result: Result<String, BucketRoots.Unresolvable>) -> String? {
        if case .failure(.unsafeKey(_, let why)) = result { return why }
        return nil
    }

    @Test("a folder whose name is canonically equivalent to a checked one, but a link leading out, is checked on its own")
    func canonicallyEquivalentFolderIsResolvedOnItsOwn() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let bucket = dir + "/bucket"
            let composed = "caf\u{E9}"
            let decomposed = "cafe\u{301}"
            try TestSupport.createDirectory(bucket + "/" + composed)
            try TestSupport.write("inside", to: bucket + "/" + composed + "/x.json.gz")
            try TestSupport.createDirectory(dir + "/outside")
            try TestSupport.write("outside", to: dir + "/outside/x.json.gz")
            #expect(symlink(dir + "/outside", bucket + "/" + decomposed) == 0)
            let roots = BucketRoots(["b": bucket])
            // The composed folder is resolved (and cached) first; the decomposed one must not reuse its answer.
            #expect(roots.path(for: S3Location(bucket: "b", key: composed + "/x.json.gz")) == .success(bucket + "/" + composed + "/x.json.gz"))
            #expect(Self.unsafeReason(roots.path(for: S3Location(bucket: "b", key: decomposed + "/x.json.gz")))?.contains("outside") == true)
        }
    }

    @Test("a normal key joins below the bucket's folder")
    func joinsNormalKey() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let roots = BucketRoots(["b": dir])
            let key = "AWSLogs/111122223333/CloudTrail/us-east-1/2025/03/01/x.json.gz"
            #expect(roots.path(for: S3Location(bucket: "b", key: key)) == .success(dir + "/" + key))
        }
    }

    @Test("trailing slashes on the folder are dropped, the root folder is kept")
    func normalizesFolders() {
        let roots = BucketRoots(["a": "/data/bucket///", "b": "/", "c": "relative/"])
        #expect(roots.folders == ["a": "/data/bucket", "b": "/", "c": "relative"])
        #expect(roots.path(for: S3Location(bucket: "a", key: "k")) == .success("/data/bucket/k"))
    }

    @Test("segments that merely contain dots are ordinary names", arguments: ["a/..b/c", "a/.../c", ".hidden", "a/b.", "a/.b/c"])
    func dotsInNames(key: String) {
        let roots = BucketRoots(["b": "/nonexistent-bucket-root"])
        #expect(roots.path(for: S3Location(bucket: "b", key: key)) == .success("/nonexistent-bucket-root/" + key))
    }

    @Test("a bucket with no folder is unknownBucket")
    func unknownBucket() {
        let roots = BucketRoots(["b": "/tmp"])
        #expect(roots.path(for: S3Location(bucket: "other", key: "k")) == .failure(.unknownBucket("other")))
        #expect(BucketRoots([:]).path(for: S3Location(bucket: "b", key: "k")) == .failure(.unknownBucket("b")))
    }

    @Test("keys that could leave the folder are unsafeKey", arguments: [
        "..", "../x", "a/../../x", "a/..", ".", "./a", "a/./b", "/etc/passwd", "/", "", "a//b", "a/", "//a",
        "a\0b", "a/%2e%2e/b", "a/%2E%2e/b", "a%2fb", "a%2F..", "a\\..\\b", "a/%5c/b",
    ])
    func unsafeKeys(key: String) {
        let roots = BucketRoots(["b": "/nonexistent-bucket-root"])
        let result = roots.path(for: S3Location(bucket: "b", key: key))
        #expect(Self.unsafeReason(result) != nil, "\(key.debugDescription) gave \(result)")
    }

    @Test("the unsafeKey reason says what is wrong")
    func reasons() {
        let roots = BucketRoots(["b": "/nonexistent-bucket-root"])
        func why(_ key: String) -> String? { Self.unsafeReason(roots.path(for: S3Location(bucket: "b", key: key))) }
        #expect(why("") == "empty key")
        #expect(why("/x") == "absolute key")
        #expect(why("a\0b") == "NUL in key")
        #expect(why("a//b") == "empty path segment in key")
        #expect(why("a/../b") == "'..' segment in key")
    }

    @Test("a symbolic link leading out of the folder is unsafeKey; one staying inside resolves")
    func symbolicLinks() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let bucket = dir + "/bucket", outside = dir + "/outside"
            try TestSupport.createDirectory(bucket + "/AWSLogs")
            try TestSupport.createDirectory(outside)
            try TestSupport.write("secret", to: outside + "/secret")
            try TestSupport.write("log", to: bucket + "/AWSLogs/log")
            let fm = FileManager.default
            try fm.createSymbolicLink(atPath: bucket + "/AWSLogs/out-file", withDestinationPath: outside + "/secret")
            try fm.createSymbolicLink(atPath: bucket + "/AWSLogs/out-folder", withDestinationPath: outside)
            try fm.createSymbolicLink(atPath: bucket + "/AWSLogs/in-file", withDestinationPath: "log")
            try fm.createSymbolicLink(atPath: bucket + "/AWSLogs/dangling", withDestinationPath: dir + "/nothing")
            try fm.createSymbolicLink(atPath: bucket + "/AWSLogs/self", withDestinationPath: bucket)
            let roots = BucketRoots(["b": bucket])
            func path(_ key: String) -> Result<String, BucketRoots.Unresolvable> { roots.path(for: S3Location(bucket: "b", key: key)) }
            #expect(Self.unsafeReason(path("AWSLogs/out-file")) != nil)
            #expect(Self.unsafeReason(path("AWSLogs/out-folder/secret")) != nil)
            #expect(Self.unsafeReason(path("AWSLogs/dangling")) != nil)
            #expect(path("AWSLogs/in-file") == .success(bucket + "/AWSLogs/in-file"))
            #expect(path("AWSLogs/self/AWSLogs/log") == .success(bucket + "/AWSLogs/self/AWSLogs/log"))
            // A missing file is not refused: opening it finds nothing, which is "not found".
            #expect(path("AWSLogs/absent") == .success(bucket + "/AWSLogs/absent"))
        }
    }

    @Test("a bucket folder that is itself reached through a symbolic link still resolves its keys")
    func folderThroughLink() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            try TestSupport.createDirectory(dir + "/real")
            try TestSupport.write("log", to: dir + "/real/log")
            try FileManager.default.createSymbolicLink(atPath: dir + "/alias", withDestinationPath: dir + "/real")
            let roots = BucketRoots(["b": dir + "/alias/"])
            #expect(roots.path(for: S3Location(bucket: "b", key: "log")) == .success(dir + "/alias/log"))
        }
    }

    /// Found while fuzzing: String comparison treats "é" and "e" + U+0301 as equal; paths are bytes.
    @Test("a link to a sibling folder spelled with other bytes for the same text is refused")
    func canonicallyEquivalentSiblingIsOutside() throws {
        try TestSupport.withTemporaryDirectory { folder in
            let root = folder + "/caf\u{E9}"
            let sibling = folder + "/cafe\u{301}"
            try TestSupport.createDirectory(root)
            try TestSupport.createDirectory(sibling)
            try TestSupport.write("secret", to: sibling + "/secret.json.gz")
            try FileManager.default.createSymbolicLink(atPath: root + "/link.json.gz", withDestinationPath: sibling + "/secret.json.gz")
            let roots = BucketRoots(["b": root])
            guard case .failure(.unsafeKey) = roots.path(for: S3Location(bucket: "b", key: "link.json.gz")) else {
                Issue.record("a link into a look-alike sibling folder must be unsafe")
                return
            }
            #expect(!BucketRoots.isContained(sibling, in: root))
        }
    }
}
