import Foundation
import Testing
@testable import CloudTrailVerify

@Suite("DigestObjectKey")
struct DigestObjectKeyTests {
    static let plain = "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/03/01/"
        + "111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_20250301T170941Z.json.gz"

    /// Builds a digest key from its parts.
    static func key(prefix: String? = nil, org: String? = nil, account: String = "111122223333",
                    region: String = "us-east-1", trail: String = "management-events", home: String = "us-east-1",
                    date: (String, String, String) = ("2025", "03", "01"), stamp: String = "20250301T170941Z",
                    backfill: Bool = false) -> String {
        var parts: [String] = []
        if let prefix { parts.append(prefix) }
        parts.append("AWSLogs")
        if let org { parts.append(org) }
        parts += [account, "CloudTrail-Digest", region, date.0, date.1, date.2]
        let file = "\(account)_CloudTrail-Digest_\(region)_\(trail)_\(home)_\(stamp)" + (backfill ? "_backfill" : "") + ".json.gz"
        return (parts + [file]).joined(separator: "/")
    }

    @Test("parses a plain key into all its parts")
    func parsesPlainKey() throws {
        let key = try #require(DigestObjectKey(Self.plain))
        #expect(key.key == Self.plain)
        #expect(key.prefix == nil)
        #expect(key.organizationID == nil)
        #expect(key.accountID == "111122223333")
        #expect(key.region == "us-east-1")
        #expect(key.trailName == "management-events")
        #expect(key.homeRegion == "us-east-1")
        #expect(key.timestampText == "20250301T170941Z")
        #expect(key.timestamp == CloudTrailTime.parse("2025-03-01T17:09:41Z"))
        #expect(key.isBackfill == false)
        #expect(Self.key() == Self.plain)
    }

    @Test("parses an organization trail's o- folder")
    func parsesOrganizationKey() throws {
        let key = try #require(DigestObjectKey(Self.key(org: "o-a1b2c3d4e5", trail: "org-trail")))
        #expect(key.organizationID == "o-a1b2c3d4e5")
        #expect(key.accountID == "111122223333")
        #expect(key.trailName == "org-trail")
        #expect(key.prefix == nil)
    }

    @Test("keeps an S3 prefix of several segments without the trailing slash")
    func parsesPrefix() throws {
        let key = try #require(DigestObjectKey(Self.key(prefix: "audit/prod/eu")))
        #expect(key.prefix == "audit/prod/eu")
        #expect(key.accountID == "111122223333")
        let org = try #require(DigestObjectKey(Self.key(prefix: "audit", org: "o-zzzz99")))
        #expect(org.prefix == "audit")
        #expect(org.organizationID == "o-zzzz99")
    }

    @Test("a prefix that itself contains AWSLogs anchors on the last AWSLogs")
    func prefixContainingAWSLogs() throws {
        let key = try #require(DigestObjectKey(Self.key(prefix: "AWSLogs/backup")))
        #expect(key.prefix == "AWSLogs/backup")
        #expect(key.accountID == "111122223333")
    }

    @Test("recognizes a backfill digest")
    func parsesBackfill() throws {
        let key = try #require(DigestObjectKey(Self.key(backfill: true)))
        #expect(key.isBackfill)
        #expect(key.trailName == "management-events")
        #expect(key.timestampText == "20250301T170941Z")
    }

    @Test("trail names keep _ . and - and the home region is split from the right", arguments: [
        "data.events_prod-1", "my_trail", "a_b_c_d", "x", "trail.with.dots", "Trail-With-Caps_01", "us-east-1",
    ])
    func trailNames(name: String) throws {
        let key = try #require(DigestObjectKey(Self.key(trail: name, home: "us-west-2")))
        #expect(key.trailName == name)
        #expect(key.homeRegion == "us-west-2")
    }

    @Test("a multi-region trail's digest has a delivering region apart from its home region")
    func multiRegion() throws {
        let key = try #require(DigestObjectKey(Self.key(account: "444455556666", region: "eu-west-1", home: "us-east-1")))
        #expect(key.region == "eu-west-1")
        #expect(key.homeRegion == "us-east-1")
        #expect(key.accountID == "444455556666")
    }

    @Test("parses every digest key in the committed vectors")
    func parsesVectorKeys() throws {
        let root = TestSupport.vectorsDirectory
        let enumerator = try #require(FileManager.default.enumerator(atPath: root))
        var count = 0
        while let path = enumerator.nextObject() as? String {
            guard path.hasSuffix(".json.gz"), path.contains("/CloudTrail-Digest/"),
                  let range = path.range(of: "/bucket/") else { continue }
            let objectKey = String(path[range.upperBound...])
            let key = DigestObjectKey(objectKey)
            #expect(key != nil, "\(objectKey)")
            count += 1
        }
        #expect(count > 50)
    }

    @Test("rejects a log file key")
    func rejectsLogKey() {
        #expect(DigestObjectKey("AWSLogs/111122223333/CloudTrail/us-east-1/2025/03/01/"
            + "111122223333_CloudTrail_us-east-1_20250301T1625Z_GzL2cEpVZzAQlxJ4.json.gz") == nil)
    }

    @Test("rejects a metadata sidecar key")
    func rejectsSidecar() {
        #expect(DigestObjectKey(Self.plain + ".metadata.json") == nil)
    }

    @Test("rejects an account ID that is not 12 digits", arguments: ["11112222333", "1111222233334", "11112222333a"])
    func rejectsAccountLength(account: String) {
        #expect(DigestObjectKey(Self.key(account: account)) == nil)
    }

    @Test("rejects keys with parts missing or malformed", arguments: [
        // no trail name
        "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/03/01/111122223333_CloudTrail-Digest_us-east-1_us-east-1_20250301T170941Z.json.gz",
        // empty trail name
        "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/03/01/111122223333_CloudTrail-Digest_us-east-1__us-east-1_20250301T170941Z.json.gz",
        // empty home region
        "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/03/01/111122223333_CloudTrail-Digest_us-east-1_trail__20250301T170941Z.json.gz",
        // no timestamp
        "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/03/01/111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1.json.gz",
        // bad timestamp
        "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/03/01/111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20251301T170941Z.json.gz",
        // no day folder
        "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/03/111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20250301T170941Z.json.gz",
        // an extra folder
        "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/03/01/x/111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20250301T170941Z.json.gz",
        // non-numeric date folder
        "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/Mar/01/111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20250301T170941Z.json.gz",
        // the file names another account
        "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/03/01/444455556666_CloudTrail-Digest_us-east-1_trail_us-east-1_20250301T170941Z.json.gz",
        // the file names another region than its folder
        "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/03/01/111122223333_CloudTrail-Digest_eu-west-1_trail_us-east-1_20250301T170941Z.json.gz",
        // wrong extension
        "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/03/01/111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20250301T170941Z.json",
        // no AWSLogs
        "111122223333/CloudTrail-Digest/us-east-1/2025/03/01/111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20250301T170941Z.json.gz",
        // no file name
        "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/03/01/",
        "AWSLogs/111122223333/CloudTrail-Digest",
        "AWSLogs/o-abc/CloudTrail-Digest",
        "AWSLogs",
        "",
    ])
    func rejectsMalformed(key: String) {
        #expect(DigestObjectKey(key) == nil)
    }

    @Test("rejects a timestamp that is not the 16-character compact form",
          arguments: ["2025-03-01T17:09", "20250301 170941Z", "20250301T170941z"])
    func rejectsNonCompactTimestamp(stamp: String) {
        #expect(DigestObjectKey(Self.key(stamp: stamp)) == nil)
    }
}
