import Testing
@testable import CloudTrailVerify

@Suite("ObjectKey")
struct ObjectKeyTests {
    static let composed = "audit-caf\u{E9}/AWSLogs"
    static let decomposed = "audit-cafe\u{301}/AWSLogs"

    @Test("canonically equivalent spellings are different keys")
    func canonicalEquivalentsDiffer() {
        // Swift's String says they are equal; S3 says they are two objects.
        #expect(Self.composed == Self.decomposed)
        #expect(ObjectKey(Self.composed) != ObjectKey(Self.decomposed))
        #expect(S3Location(bucket: "b", key: Self.composed) != S3Location(bucket: "b", key: Self.decomposed))
        #expect(Set([S3Location(bucket: "b", key: Self.composed), S3Location(bucket: "b", key: Self.decomposed)]).count == 2)
        #expect(!ByteWise.equal(Self.composed, Self.decomposed))
        let one = FolderScope(prefix: "audit-caf\u{E9}", organizationID: nil, accountID: "111122223333", region: "us-east-1")
        let two = FolderScope(prefix: "audit-cafe\u{301}", organizationID: nil, accountID: "111122223333", region: "us-east-1")
        #expect(one != two)
        #expect(Set([one, two]).count == 2)
    }

    @Test("keys sort by their bytes")
    func sortsByBytes() {
        // U+00E9 is C3 A9; "e" + U+0301 is 65 CC 81: by bytes the decomposed form comes first.
        #expect(ObjectKey(Self.decomposed) < ObjectKey(Self.composed))
        #expect(ByteWise.less(Self.decomposed, Self.composed))
        #expect(S3Location(bucket: "b", key: Self.decomposed) < S3Location(bucket: "b", key: Self.composed))
    }

    @Test("a name that is not UTF-8 is kept as bytes and shown percent-encoded, and % itself is encoded then")
    func invalidUTF8IsShownPercentEncoded() {
        let key = ObjectKey(bytes: Array("logs/".utf8) + [0xFF, 0xFE] + Array("-100%.json.gz".utf8))
        #expect(key.string == nil)
        #expect(key.display == "logs/%FF%FE-100%25.json.gz")
        #expect(ObjectKey(bytes: [0x61, 0x0A]).display == "a%0A")
        #expect(ObjectKey("caf\u{E9}").display == "caf\u{E9}")
        // A truncated multi-byte sequence is invalid; what follows it is kept.
        #expect(ObjectKey(bytes: [0xC3, 0x41]).display == "%C3A")
    }

    @Test("the path classifier places keys by their CloudTrail segments, whatever else the bytes hold")
    func classifiesPaths() {
        let log = CloudTrailPath(ObjectKey("p/AWSLogs/111122223333/CloudTrail/us-east-1/2025/01/01/x.json.gz"))
        #expect(log.tree == .logs)
        #expect(log.scope?.prefix == "p")
        #expect(log.depthBelowRegion == 4)
        let digestFolder = CloudTrailPath(ObjectKey("AWSLogs/o-abc/111122223333/CloudTrail-Digest/eu-west-1"))
        #expect(digestFolder.tree == .digests)
        #expect(digestFolder.isRegionFolder)
        #expect(digestFolder.scope?.organizationID == "o-abc")
        #expect(CloudTrailPath(ObjectKey("AWSLogs/111122223333/Config/us-east-1/x")).tree == .other)
        #expect(CloudTrailPath(ObjectKey(bytes: Array("AWSLogs/111122223333/CloudTrail/".utf8) + [0xFF])).tree == .logs)
        #expect(CloudTrailPath.isLogRegionFolder(ObjectKey("AWSLogs/111122223333/CloudTrail/us-east-1")))
        #expect(!CloudTrailPath.isLogRegionFolder(ObjectKey("AWSLogs/111122223333/CloudTrail-Digest/us-east-1")))
    }
}
