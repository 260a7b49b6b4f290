import Foundation
import Testing
@testable import CloudTrailVerify

/// Where a digest's signature is found: `user.signature` extended attributes first, then the sidecar.
@Suite("DigestMetadata")
struct DigestMetadataTests {
    typealias Clean = TestSupport.Clean

    /// The clean vector's first sidecar signature.
    static func sidecarHex() throws -> String {
        let object = try TestSupport.jsonObject(try TestSupport.bytes(atPath: Clean.firstDigestPath + ".metadata.json"))
        return try #require((object["Metadata"] as? [String: Any])?["signature"] as? String)
    }

    /// Copies the first clean digest (and, if asked, its sidecar) into `dir`; returns the copy's path.
    static func copyDigest(to dir: String, withSidecar: Bool = true) throws -> String {
        let path = dir + "/" + (Clean.firstDigestKey as NSString).lastPathComponent
        try FileManager.default.copyItem(atPath: Clean.firstDigestPath, toPath: path)
        if withSidecar {
            try FileManager.default.copyItem(atPath: Clean.firstDigestPath + ".metadata.json", toPath: path + ".metadata.json")
        }
        return path
    }

    @Test("reads the signature and algorithm from a head-object sidecar")
    func readsSidecar() throws {
        let found = DigestMetadata.signature(forDigestAt: Clean.firstDigestPath)
        #expect(found.problem == nil)
        let signature = try #require(found.signature)
        #expect(signature.hex == (try Self.sidecarHex()))
        #expect(signature.algorithm == "SHA256withRSA")
        #expect(signature.source == .sidecar)
    }

    @Test("a digest without sidecar or attributes has no signature and no problem")
    func nothing() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = try Self.copyDigest(to: dir, withSidecar: false)
            let found = DigestMetadata.signature(forDigestAt: path)
            #expect(found.signature == nil)
            #expect(found.problem == nil)
        }
    }

    @Test("a sidecar with the metadata at the top level is accepted")
    func flatSidecar() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = try Self.copyDigest(to: dir, withSidecar: false)
            try TestSupport.write(#"{"signature": "abcd"}"#, to: path + ".metadata.json")
            let found = DigestMetadata.signature(forDigestAt: path)
            #expect(found.signature == DigestSignature(hex: "abcd", algorithm: nil, source: .sidecar))
        }
    }

    @Test("a malformed sidecar reports a problem naming it", arguments: [
        "", "not json", "[1, 2]", "\"text\"", #"{"Metadata": {}}"#, #"{"Metadata": {"signature": 42}}"#,
        #"{"ContentLength": 620}"#, #"{"Metadata": {"signature": "ab"}, "Metadata": {"signature": "cd"}}"#,
    ])
    func malformedSidecar(text: String) throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = try Self.copyDigest(to: dir, withSidecar: false)
            try TestSupport.write(text, to: path + ".metadata.json")
            let found = DigestMetadata.signature(forDigestAt: path)
            #expect(found.signature == nil)
            #expect(found.problem?.contains(path + ".metadata.json") == true)
        }
    }

    @Test("a sidecar over the size limit reports a problem")
    func oversizedSidecar() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = try Self.copyDigest(to: dir, withSidecar: false)
            let padding = String(repeating: " ", count: DigestMetadata.maximumSidecarSize)
            try TestSupport.write(#"{"Metadata": {"signature": "ab"}}"# + padding, to: path + ".metadata.json")
            let found = DigestMetadata.signature(forDigestAt: path)
            #expect(found.signature == nil)
            #expect(found.problem != nil)
        }
    }

    @Test("a sidecar that is a symbolic link is refused unread, whether it leads inside or outside the copy",
          arguments: ["inside", "outside"])
    func symbolicLinkSidecar(leadsTo: String) throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let bucket = dir + "/bucket"
            try FileManager.default.createDirectory(atPath: bucket, withIntermediateDirectories: true)
            let path = try Self.copyDigest(to: bucket, withSidecar: false)
            // A valid head-object sidecar, planted where the link leads.
            let target = leadsTo == "inside" ? bucket + "/planted.json" : dir + "/planted.json"
            try FileManager.default.copyItem(atPath: Clean.firstDigestPath + ".metadata.json", toPath: target)
            try FileManager.default.createSymbolicLink(atPath: path + ".metadata.json", withDestinationPath: target)
            let found = DigestMetadata.signature(forDigestAt: path)
            #expect(found.signature == nil)
            #expect(found.problem == "sidecar \(path).metadata.json: a symbolic link, not followed")
        }
    }

    @Test("a sidecar that is a named pipe is refused at once, never waited on")
    func namedPipeSidecar() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = try Self.copyDigest(to: dir, withSidecar: false)
            #expect(mkfifo(path + ".metadata.json", 0o600) == 0)
            // A blocking open of a pipe with no writer would never return: the test would hang.
            let found = DigestMetadata.signature(forDigestAt: path)
            #expect(found.signature == nil)
            #expect(found.problem == "sidecar \(path).metadata.json: not a regular file")
        }
    }

    @Test("a sidecar that is a folder is refused with a problem")
    func folderSidecar() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = try Self.copyDigest(to: dir, withSidecar: false)
            try FileManager.default.createDirectory(atPath: path + ".metadata.json", withIntermediateDirectories: false)
            let found = DigestMetadata.signature(forDigestAt: path)
            #expect(found.signature == nil)
            #expect(found.problem == "sidecar \(path).metadata.json: not a regular file")
        }
    }

    @Test("a digest that is a symbolic link uses the sidecar beside the link, not the one beside its target")
    func linkedDigestUsesItsOwnSidecar() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let real = try Self.copyDigest(to: dir)
            let link = dir + "/linked.json.gz"
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
            let bare = DigestMetadata.signature(forDigestAt: link)
            #expect(bare.signature == nil)
            #expect(bare.problem?.contains("the digest is a symbolic link") == true)
            try TestSupport.write(#"{"Metadata": {"signature": "abcd"}}"#, to: link + ".metadata.json")
            let found = DigestMetadata.signature(forDigestAt: link)
            #expect(found.problem == nil)
            #expect(found.signature == DigestSignature(hex: "abcd", algorithm: nil, source: .sidecar))
        }
    }

    @Test("a digest that is a symbolic link does not get the extended attributes of the file it leads to",
          .enabled(if: TestSupport.extendedAttributeBase != nil, "the temporary file system refuses user.* extended attributes"))
    func linkedDigestAttributesNotFollowed() throws {
        try TestSupport.withTemporaryDirectory(in: TestSupport.extendedAttributeBase) { (dir: String) throws in
            let real = try Self.copyDigest(to: dir, withSidecar: false)
            try TestSupport.setExtendedAttribute("user.signature", try Self.sidecarHex(), path: real)
            let link = dir + "/linked.json.gz"
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
            #expect(DigestMetadata.signature(forDigestAt: real).signature?.source == .extendedAttribute)
            let found = DigestMetadata.signature(forDigestAt: link)
            #expect(found.signature == nil)
            #expect(found.problem?.contains("the extended attributes of the file it leads to are not read") == true)
        }
    }

    @Test("user.signature and user.signature-algorithm win over a sidecar, trimmed",
          .enabled(if: TestSupport.extendedAttributeBase != nil, "the temporary file system refuses user.* extended attributes"))
    func extendedAttributesWin() throws {
        try TestSupport.withTemporaryDirectory(in: TestSupport.extendedAttributeBase) { (dir: String) throws in
            let path = try Self.copyDigest(to: dir)
            let hex = try Self.sidecarHex()
            try TestSupport.setExtendedAttribute("user.signature", "  " + hex.uppercased() + "\n", path: path)
            try TestSupport.setExtendedAttribute("user.signature-algorithm", "SHA256withRSA\n", path: path)
            let found = DigestMetadata.signature(forDigestAt: path)
            #expect(found.problem == nil)
            #expect(found.signature == DigestSignature(hex: hex.uppercased(), algorithm: "SHA256withRSA", source: .extendedAttribute))
        }
    }

    @Test("an xattr signature wins even over a malformed sidecar, and needs no algorithm attribute",
          .enabled(if: TestSupport.extendedAttributeBase != nil, "the temporary file system refuses user.* extended attributes"))
    func extendedAttributeWithoutAlgorithm() throws {
        try TestSupport.withTemporaryDirectory(in: TestSupport.extendedAttributeBase) { (dir: String) throws in
            let path = try Self.copyDigest(to: dir, withSidecar: false)
            try TestSupport.write("not json", to: path + ".metadata.json")
            try TestSupport.setExtendedAttribute("user.signature", "abcdef", path: path)
            let found = DigestMetadata.signature(forDigestAt: path)
            #expect(found.problem == nil)
            #expect(found.signature == DigestSignature(hex: "abcdef", algorithm: nil, source: .extendedAttribute))
        }
    }

    @Test("the xattr signature verifies the digest with the vector's key",
          .enabled(if: TestSupport.extendedAttributeBase != nil, "the temporary file system refuses user.* extended attributes"))
    func extendedAttributeSignatureVerifies() throws {
        try TestSupport.withTemporaryDirectory(in: TestSupport.extendedAttributeBase) { (dir: String) throws in
            let path = try Self.copyDigest(to: dir, withSidecar: false)
            try TestSupport.setExtendedAttribute("user.signature", try Self.sidecarHex(), path: path)
            let signature = try #require(DigestMetadata.signature(forDigestAt: path).signature)
            let key = try #require(try PublicKeyStore(sources: [PublicKeySource(path: Clean.keyFile)]).keys.first)
            let digest = try DigestFile(compressed: try TestSupport.bytes(atPath: path))
            #expect(key.verifies(signature: TestSupport.unhex(signature.hex), over: digest.stringToSign))
        }
    }
}

@Suite("ExtendedAttributes")
struct ExtendedAttributesTests {
    @Test("an absent attribute, or a missing file, reads as nil")
    func absent() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            try TestSupport.write("x", to: dir + "/file")
            #expect(ExtendedAttributes.value(named: "user.signature", path: dir + "/file") == nil)
            #expect(ExtendedAttributes.value(named: "user.signature", path: dir + "/absent") == nil)
        }
    }

    @Test("reads a small attribute exactly, an empty one as empty text",
          .enabled(if: TestSupport.extendedAttributeBase != nil, "the temporary file system refuses user.* extended attributes"))
    func small() throws {
        try TestSupport.withTemporaryDirectory(in: TestSupport.extendedAttributeBase) { (dir: String) throws in
            let path = dir + "/file"
            try TestSupport.write("x", to: path)
            try TestSupport.setExtendedAttribute("user.signature", "0123abcd", path: path)
            try TestSupport.setExtendedAttribute("user.empty", "", path: path)
            #expect(ExtendedAttributes.value(named: "user.signature", path: path) == "0123abcd")
            #expect(ExtendedAttributes.value(named: "user.empty", path: path) == "")
            #expect(ExtendedAttributes.value(named: "user.other", path: path) == nil)
        }
    }

    @Test("reads an attribute larger than the first 4 KiB buffer",
          .enabled(if: TestSupport.largeExtendedAttributeBase != nil, "no temporary file system keeps 20 KB extended attributes"))
    func large() throws {
        try TestSupport.withTemporaryDirectory(in: TestSupport.largeExtendedAttributeBase) { (dir: String) throws in
            let path = dir + "/file"
            try TestSupport.write("x", to: path)
            let value = String(repeating: "0123456789abcdef", count: 1000)  // 16,000 bytes
            try TestSupport.setExtendedAttribute("user.signature", value, path: path)
            #expect(ExtendedAttributes.value(named: "user.signature", path: path) == value)
            // Beyond the reader's limit the value is not read at all.
            #expect(ExtendedAttributes.value(named: "user.signature", path: path, limit: 8192) == nil)
        }
    }
}

/// The `linked-sidecars` vector through the whole validator: a sidecar that is a link is never a signature source.
@Suite("Linked sidecars")
struct LinkedSidecarTests {
    @Test("an older digest whose sidecar is a link is proven by its successor; the newest is unverified, naming the link")
    func linkedSidecarsFallBack() async throws {
        let vector = try TestVectorCatalog.expected("linked-sidecars")
        let report = try await BucketValidator(options: TestVectorCatalog.options("linked-sidecars", vector)).run()
        let digests = report.digests.sorted { $0.s3URI.utf8.lexicographicallyPrecedes($1.s3URI.utf8) }
        try #require(digests.count == 4)
        // The second digest's sidecar leads outside bucket/: its signature came from the third digest.
        #expect(digests[1].status == .valid)
        #expect(digests[1].signatureSource == .nextDigest)
        #expect(digests[0].signatureSource == .sidecar)
        #expect(digests[2].signatureSource == .sidecar)
        // The newest digest's sidecar leads inside bucket/, to a valid document: still not followed.
        let newest = digests[3]
        #expect(newest.status == .unverified)
        #expect(newest.reason == .signatureUnavailable)
        #expect(newest.message?.hasSuffix(".metadata.json: a symbolic link, not followed)") == true)
        #expect(newest.signatureSource == nil)
    }

    @Test("sidecars that are named pipes are judged, not waited on: the older digest is proven by its successor")
    func namedPipeSidecarsDoNotHang() async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            let copy = try BucketValidatorTests.copyVector("linked-sidecars", into: folder)
            let vector = try TestVectorCatalog.expected("linked-sidecars")
            let digests = vector.digests.map(\.s3URI).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            // Every sidecar becomes a named pipe nobody writes to.
            for uri in digests {
                let path = copy + "/bucket/" + uri.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)[3] + ".metadata.json"
                try FileManager.default.removeItem(atPath: path)
                #expect(mkfifo(path, 0o600) == 0)
            }
            let report = try await BucketValidator(options: BucketValidatorTests.options(copy + "/bucket", keys: copy + "/keys")).run()
            for uri in digests.dropLast() {
                let entry = try #require(report.digests.first { $0.s3URI == uri })
                #expect(entry.status == .valid)
                #expect(entry.signatureSource == .nextDigest)
            }
            let newest = try #require(report.digests.first { $0.s3URI == digests.last })
            #expect(newest.reason == .signatureUnavailable)
            #expect(newest.message?.hasSuffix(".metadata.json: not a regular file)") == true)
        }
    }

}

/// Digests opened by name in their folder (the walk's way) against digests read by path.
extension DigestMetadataTests {
    /// The signature and problem for the digest at `path`, read by path and read from the digest opened by name in
    /// its folder; `nil` for the second when the folder open leaves the file to the reading by path.
    static func bothWays(_ path: String) -> (byPath: String, inFolder: String?) {
        func text(_ found: (signature: DigestSignature?, problem: String?)) -> String {
            "\(found.signature.map { "\($0)" } ?? "-") | \(found.problem ?? "-")"
        }
        let folder = DirectoryHandle(resolvedPath: (path as NSString).deletingLastPathComponent)
        let name = (path as NSString).lastPathComponent
        guard case .opened(let file) = RegularFile.open(named: name, in: folder) else { return (text(DigestMetadata.signature(forDigestAt: path)), nil) }
        return (text(DigestMetadata.signature(forDigestAt: path)),
                text(DigestMetadata.signature(ofOpened: file, named: name, in: folder, path: path)))
    }

    @Test("a digest opened by name in its folder gets the same signature or problem as read by path, sidecar by sidecar")
    func openedInFolderAsByPath() throws {
        try TestSupport.withTemporaryDirectory(in: TestSupport.extendedAttributeBase) { (dir: String) throws in
            var cases: [String: String] = [:]
            func make(_ name: String, _ sidecar: (String) throws -> Void) throws {
                let folder = dir + "/" + name
                try TestSupport.createDirectory(folder)
                let path = try Self.copyDigest(to: folder, withSidecar: false)
                try sidecar(path + ".metadata.json")
                cases[name] = path
            }
            try make("sidecar") { try FileManager.default.copyItem(atPath: Clean.firstDigestPath + ".metadata.json", toPath: $0) }
            try make("none") { _ in }
            try make("malformed") { try TestSupport.write("{not json", to: $0) }
            try make("link") { try FileManager.default.createSymbolicLink(atPath: $0, withDestinationPath: Clean.firstDigestPath + ".metadata.json") }
            try make("pipe") { #expect(mkfifo($0, 0o600) == 0) }
            try make("folder") { try TestSupport.createDirectory($0) }
            try make("too-large") { try TestSupport.write([UInt8](repeating: 0x20, count: DigestMetadata.maximumSidecarSize + 1), to: $0) }
            if TestSupport.extendedAttributeBase != nil {
                try make("xattr") { sidecar in
                    try TestSupport.write("{not json", to: sidecar)
                    let digest = String(sidecar.dropLast(".metadata.json".count))
                    try TestSupport.setExtendedAttribute("user.signature", " " + (try Self.sidecarHex()) + "\n", path: digest)
                    try TestSupport.setExtendedAttribute("user.backfill-generation-timestamp", "2025-03-01T18:00:00Z", path: digest)
                }
            }
            for (name, path) in cases {
                let found = Self.bothWays(path)
                #expect(found.inFolder == found.byPath, "\(name)")
            }
        }
    }

    @Test("a digest that is a link, a pipe or a folder is not opened in its folder: reading by path decides it")
    func linksAndOddFilesAreLeftToThePath() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = try Self.copyDigest(to: dir)
            let folder = DirectoryHandle(resolvedPath: dir)
            try FileManager.default.createSymbolicLink(atPath: dir + "/link.json.gz", withDestinationPath: path)
            #expect(mkfifo(dir + "/pipe.json.gz", 0o600) == 0)
            try TestSupport.createDirectory(dir + "/folder.json.gz")
            guard case .undecided = RegularFile.open(named: "link.json.gz", in: folder) else { Issue.record("link opened"); return }
            guard case .undecided = RegularFile.open(named: "pipe.json.gz", in: folder) else { Issue.record("pipe opened"); return }
            guard case .folder = RegularFile.open(named: "folder.json.gz", in: folder) else { Issue.record("folder opened"); return }
            guard case .notFound = RegularFile.open(named: "absent.json.gz", in: folder) else { Issue.record("absent opened"); return }
            guard case .opened = RegularFile.open(named: (path as NSString).lastPathComponent, in: folder) else { Issue.record("digest not opened"); return }
        }
    }
}
