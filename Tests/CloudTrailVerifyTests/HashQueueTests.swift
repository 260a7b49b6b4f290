import Testing
@testable import CloudTrailVerify

@Suite("HashQueue: log files between the walk and the hashing tasks")
struct HashQueueTests {
    static func check(_ index: Int) -> DigestChain.LogCheck {
        DigestChain.LogCheck(
            entry: DigestFile.LogFileEntry(location: S3Location(bucket: "b", key: "log-\(index).json.gz"),
                                           expectedSHA256: String(repeating: "0", count: 64), hashAlgorithm: "SHA-256",
                                           oldestEventTime: nil, newestEventTime: nil),
            digestURI: "s3://b/digest")
    }

    @Test("files are taken in the order the walk added them, each once, and an empty queue gives none")
    func firstInFirstOut() {
        let queue = HashQueue()
        #expect(queue.take() == nil)
        for index in 0..<5 { queue.append((index, Self.check(index))) }
        #expect(queue.count == 5)
        var taken: [Int] = []
        while let item = queue.take() { taken.append(item.sequence) }
        #expect(taken == [0, 1, 2, 3, 4])
        #expect(queue.count == 0)
    }

    @Test("taking thousands while more are added keeps every file and the order (the taken part is let go)")
    func longRunKeepsOrder() {
        let queue = HashQueue()
        var next = 0
        var taken: [Int] = []
        for round in 0..<50 {
            for _ in 0..<(100 + round) {
                queue.append((next, Self.check(next)))
                next += 1
            }
            for _ in 0..<90 { if let item = queue.take() { taken.append(item.sequence) } }
        }
        while let item = queue.take() { taken.append(item.sequence) }
        #expect(taken == Array(0..<next))
    }

    @Test("tasks on several threads take every file exactly once")
    func concurrentTakers() async {
        let queue = HashQueue()
        for index in 0..<10_000 { queue.append((index, Self.check(index))) }
        let all = await withTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var mine: [Int] = []
                    while let item = queue.take() { mine.append(item.sequence) }
                    return mine
                }
            }
            var all: [Int] = []
            for await part in group { all += part }
            return all
        }
        #expect(all.sorted() == Array(0..<10_000))
    }
}
