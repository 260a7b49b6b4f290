import Testing
@testable import CloudTrailVerify

@Suite("ListedLogIndex")
struct ListedLogIndexTests {
    /// Log keys spread over `days` day folders of two regions, `perDay` per folder.
    static func locations(days: Int, perDay: Int, bucket: String = "bucket") -> [S3Location] {
        var result: [S3Location] = []
        for region in ["us-east-1", "eu-west-1"] {
            for day in 1...days {
                for index in 0..<perDay {
                    let folder = "AWSLogs/123456789012/CloudTrail/\(region)/2024/05/\(String(format: "%02d", day))"
                    result.append(S3Location(bucket: bucket, key: "\(folder)/log-\(index).json.gz"))
                }
            }
        }
        return result
    }

    @Test("answers the same whether its records stay in memory or were written out in runs", arguments: [1, 7, 64, 1 << 19])
    func answersDoNotDependOnTheBudget(budget: Int) throws {
        let all = Self.locations(days: 5, perDay: 20)
        // Every other log is listed, and some twice (by two digests), in a scrambled order.
        var listed = stride(from: 0, to: all.count, by: 2).map { all[$0] }
        listed += listed.prefix(15)
        var generator = DirectoryWalker.SplitMix64(seed: 7)
        listed.shuffle(using: &generator)
        let index = ListedLogIndex(budget: budget)
        for location in listed { index.insert(location) }
        #expect(index.spillProblem == nil)
        if budget < listed.count { #expect(index.runCount >= listed.count / budget - 1) } else { #expect(index.runCount == 0) }
        for (position, location) in all.enumerated() {
            #expect(try index.contains(location) == position.isMultiple(of: 2), "\(location.key)")
        }
        // Folder by folder, as the coverage check asks: exactly the listed files of that folder.
        for location in all {
            let folder = ListedLogIndex.folder(of: location.key)
            let expected = Set(listed.filter { ListedLogIndex.folder(of: $0.key) == folder }.map { ListedLogIndex.record($0).file })
            #expect(try index.files(bucket: "bucket", folder: folder) == expected)
        }
    }

    @Test("the same key in another bucket or folder is a different location")
    func bucketAndFolderArePartOfTheLocation() throws {
        let index = ListedLogIndex(budget: 2)
        index.insert(S3Location(bucket: "one", key: "AWSLogs/a/x.json.gz"))
        index.insert(S3Location(bucket: "one", key: "AWSLogs/b/y.json.gz"))
        index.insert(S3Location(bucket: "one", key: "top.json.gz"))
        #expect(try index.contains(S3Location(bucket: "one", key: "AWSLogs/a/x.json.gz")))
        #expect(try !index.contains(S3Location(bucket: "two", key: "AWSLogs/a/x.json.gz")))
        #expect(try !index.contains(S3Location(bucket: "one", key: "AWSLogs/b/x.json.gz")))
        #expect(try index.contains(S3Location(bucket: "one", key: "top.json.gz")))
        #expect(try index.files(bucket: "one", folder: "").count == 1)
        #expect(try index.files(bucket: "one", folder: "AWSLogs/a").count == 1)
        #expect(try index.files(bucket: "two", folder: "AWSLogs/a").isEmpty)
    }

    @Test("a record is two hashes: its memory does not depend on the key's length")
    func recordsAreSixteenBytes() {
        #expect(MemoryLayout<ListedLogIndex.Record>.stride == 16)
    }
}
