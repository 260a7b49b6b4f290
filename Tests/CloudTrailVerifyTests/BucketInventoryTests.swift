import Foundation
import Testing
@testable import CloudTrailVerify

@Suite("BucketInventory")
struct BucketInventoryTests {
    /// Every digest key below the vector's bucket, by a plain `find`: what the inventory must agree with.
    static func digestKeys(_ root: String) throws -> [String] {
        let listing = try TestSupport.runChecked(["find", root, "-path", "*CloudTrail-Digest/*", "-name", "*.json.gz", "-printf", "%P\\n"])
        return String(decoding: listing, as: UTF8.self).split(separator: "\n").map(String.init)
            .filter { DigestObjectKey($0) != nil }
    }

    @Test("listing one chain afresh finds exactly the files the survey summed up for it", arguments: TestVectorCatalog.names)
    func chainListingMatchesTheSurvey(name: String) throws {
        let root = TestVectorCatalog.folder(name).appendingPathComponent("bucket").path
        let inventory = try BucketInventory.scan(root: root)
        var listed: [String] = []
        for (identity, summary) in inventory.chains {
            let files = try inventory.files(of: identity)
            #expect(files.count == summary.count, "\(identity.id)")
            #expect(files.first == summary.oldest && files.last == summary.newest, "\(identity.id)")
            #expect(files == files.sorted(by: BucketInventory.DigestOnDisk.precedes))
            #expect(files.allSatisfy { DigestObjectKey($0.key).map(ChainIdentity.init) == identity })
            listed += files.map(\.key)
        }
        #expect(listed.sorted() == (try Self.digestKeys(root)).sorted())
    }

    @Test("two trails writing to one region folder are two chains, each listing only its own digests")
    func trailsSharingAFolderAreSeparated() throws {
        let root = TestVectorCatalog.folder("two-trails").appendingPathComponent("bucket").path
        let inventory = try BucketInventory.scan(root: root)
        let trails = Set(inventory.chains.keys.map(\.trailName))
        #expect(trails.count == 2)
        for identity in inventory.chains.keys {
            #expect(try inventory.files(of: identity).allSatisfy { $0.key.contains("_\(identity.trailName)_") })
        }
    }

    @Test("the survey sums up the files a time window admits")
    func surveyCountsTheWindow() throws {
        let root = TestVectorCatalog.folder("clean-multi-day").appendingPathComponent("bucket").path
        let all = try BucketInventory.scan(root: root)
        let identity = try #require(all.chains.keys.sorted().first)
        let summary = try #require(all.chains[identity])
        let cut = summary.newest.timestampCode
        let windowed = try BucketInventory.scan(root: root, order: .asListed) { $0 < cut }
        let narrowed = try #require(windowed.chains[identity])
        #expect(narrowed.count == summary.count)
        #expect(narrowed.admittedCount == summary.count - 1)
        #expect(narrowed.newestAdmitted != summary.newest && narrowed.oldestAdmitted == summary.oldest)
    }
}
