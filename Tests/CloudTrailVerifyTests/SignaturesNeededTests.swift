import Foundation
import Testing
@testable import CloudTrailVerify

@Suite("SignaturesNeeded")
struct SignaturesNeededTests {
    /// A copy of a vector's bucket without its sidecars: what a plain `aws s3 sync` leaves.
    static func plainCopy(of vector: String, into folder: String) throws -> String {
        let copy = folder + "/bucket"
        try FileManager.default.copyItem(atPath: TestSupport.vector(vector) + "/bucket", toPath: copy)
        let walker = FileManager.default.enumerator(atPath: copy)
        while let relative = walker?.nextObject() as? String {
            if relative.hasSuffix(".metadata.json") { try FileManager.default.removeItem(atPath: copy + "/" + relative) }
        }
        return copy
    }

    static func keys(_ needed: SignaturesNeeded) -> [String] {
        needed.digests.map { String($0.key.split(separator: "/").last!) }
    }

    @Test("a copy with every sidecar needs nothing")
    func everySidecarPresent() throws {
        let needed = try SignaturesNeeded.find(options: ValidationOptions(root: TestSupport.Clean.bucket))
        #expect(needed.digests.isEmpty)
        #expect(needed.digestCount == 30 && needed.withMetadata == 30 && needed.vouchedBySuccessor == 0)
    }

    @Test("a plain copy of one chain needs only its newest digest")
    func plainCopyNeedsTheNewest() throws {
        try TestSupport.withTemporaryDirectory { folder in
            let root = try Self.plainCopy(of: "clean-multi-day", into: folder)
            let needed = try SignaturesNeeded.find(options: ValidationOptions(root: root))
            #expect(Self.keys(needed) == ["111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_20250302T220958Z.json.gz"])
            #expect(needed.digests.first?.reason == .noSuccessor)
            #expect(needed.digestCount == 30 && needed.withMetadata == 0 && needed.vouchedBySuccessor == 29)
        }
    }

    @Test("a gap adds the last digest before it")
    func gapAddsOne() throws {
        try TestSupport.withTemporaryDirectory { folder in
            let root = try Self.plainCopy(of: "validation-disabled-gap", into: folder)
            let needed = try SignaturesNeeded.find(options: ValidationOptions(root: root))
            #expect(Self.keys(needed) == [
                "111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_20250313T040944Z.json.gz",
                "111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_20250313T104218Z.json.gz",
            ])
        }
    }

    @Test("a backfill digest needs its metadata even when linked to, and a sidecar without its generation time does not count")
    func backfillAlwaysNeedsMetadata() throws {
        let needed = try SignaturesNeeded.find(options: ValidationOptions(root: TestSupport.vector("backfill-digests") + "/bucket"))
        #expect(Self.keys(needed) == ["111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_20250331T044718Z_backfill.json.gz"])
        #expect(needed.digests.first?.reason == .backfill)
        try TestSupport.withTemporaryDirectory { folder in
            let root = try Self.plainCopy(of: "backfill-digests", into: folder)
            let plain = try SignaturesNeeded.find(options: ValidationOptions(root: root))
            #expect(plain.digests.filter { $0.reason == .backfill }.count == 4)
            #expect(plain.digests.filter { $0.reason == .noSuccessor }.count == 1)
        }
    }

    @Test("a file named like a digest that cannot be read is listed, and vouches for nothing")
    func unreadableIsListed() throws {
        try TestSupport.withTemporaryDirectory { folder in
            let root = try Self.plainCopy(of: "no-metadata", into: folder)
            let newest = root + "/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/03/20/"
                + "111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_20250320T071241Z.json.gz"
            try TestSupport.write("not gzip", to: newest)
            let needed = try SignaturesNeeded.find(options: ValidationOptions(root: root))
            #expect(needed.digests.map(\.reason) == [.noSuccessor, .unreadable])
            #expect(Self.keys(needed) == [
                "111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_20250320T061241Z.json.gz",
                "111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_20250320T071241Z.json.gz",
            ])
        }
    }

    /// Two digests under the prefix "café" (NFC); the newer one links to its predecessor spelled "café" in NFD.
    @Test("a link vouches only for the key it names byte for byte")
    func linksCompareBytes() throws {
        try TestSupport.withTemporaryDirectory { root in
            func key(_ prefix: String, hour: Int) -> String {
                "\(prefix)/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/03/01/"
                    + "111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20250301T\(String(format: "%02d", hour))0000Z.json.gz"
            }
            func write(hour: Int, previous: String?) throws {
                let json = """
                {"awsAccountId":"111122223333","digestStartTime":"2025-03-01T\(String(format: "%02d", hour - 1)):00:00Z",\
                "digestEndTime":"2025-03-01T\(String(format: "%02d", hour)):00:00Z","digestS3Bucket":"b",\
                "digestS3Object":"\(key("caf\u{E9}", hour: hour))","digestPublicKeyFingerprint":"00",\
                "previousDigestSignature":\(previous == nil ? "null" : "\"abcd\""),\
                "previousDigestS3Bucket":\(previous == nil ? "null" : "\"b\""),\
                "previousDigestS3Object":\(previous.map { "\"\($0)\"" } ?? "null"),"logFiles":[]}
                """
                let path = root + "/" + key("caf\u{E9}", hour: hour)
                try TestSupport.createDirectory((path as NSString).deletingLastPathComponent)
                try TestSupport.write(try TestSupport.gzip(Array(json.utf8)), to: path)
            }
            try write(hour: 1, previous: nil)
            try write(hour: 2, previous: key("cafe\u{301}", hour: 1))
            #expect(key("cafe\u{301}", hour: 1) == key("caf\u{E9}", hour: 1), "Swift's String == calls them equal")
            let needed = try SignaturesNeeded.find(options: ValidationOptions(root: root))
            #expect(needed.digests.count == 2)
            #expect(needed.vouchedBySuccessor == 0)

            // Spelled the same, the link vouches.
            try write(hour: 2, previous: key("caf\u{E9}", hour: 1))
            let linked = try SignaturesNeeded.find(options: ValidationOptions(root: root))
            #expect(linked.digests.count == 1 && linked.vouchedBySuccessor == 1)
            // A --bucket the link does not name: nothing vouches.
            let otherBucket = try SignaturesNeeded.find(options: ValidationOptions(root: root, bucket: "other"))
            #expect(otherBucket.digests.count == 2)
        }
    }

    @Test("the validator's filters select the chains")
    func filters() throws {
        let root = TestSupport.vector("multi-region") + "/bucket"
        try TestSupport.withTemporaryDirectory { folder in
            let plain = try Self.plainCopy(of: "multi-region", into: folder)
            let all = try SignaturesNeeded.find(options: ValidationOptions(root: plain))
            let one = try SignaturesNeeded.find(options: ValidationOptions(root: plain, regions: ["eu-west-1"]))
            #expect(all.digests.count > one.digests.count)
            #expect(one.digests.count == 1)
            #expect(one.digests.allSatisfy { $0.key.contains("/CloudTrail-Digest/eu-west-1/") })
        }
        #expect(throws: CloudTrailVerifyError.self) {
            try SignaturesNeeded.find(options: ValidationOptions(root: root, accountID: "999999999999"))
        }
        #expect(throws: CloudTrailVerifyError.self) {
            try SignaturesNeeded.find(options: ValidationOptions(root: root, trailARN: "not-an-arn"))
        }
        #expect(throws: CloudTrailVerifyError.self) {
            try SignaturesNeeded.find(options: ValidationOptions(root: TestSupport.vector("multi-region") + "/keys"))
        }
    }
}
