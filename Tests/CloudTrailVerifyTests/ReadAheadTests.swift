import Foundation
import Testing
@testable import CloudTrailVerify

@Suite("ReadAhead")
struct ReadAheadTests {
    /// Waits (up to 10 s) until the readers have dealt with `count` hints.
    static func waitUntilHandled(_ readAhead: ReadAhead, _ count: Int) async throws -> Bool {
        for _ in 0..<1000 {
            if readAhead.hintsHandled >= count { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test("named pipes, folders, links and missing paths among the hints never hang a reader")
    func hostileHintsDoNotHang() async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            let file = folder + "/log.json.gz"
            #expect(FileManager.default.createFile(atPath: file, contents: Data(repeating: 7, count: 100_000)))
            try TestSupport.runChecked(["mkfifo", folder + "/pipe.json.gz"])
            try FileManager.default.createSymbolicLink(atPath: folder + "/link.json.gz", withDestinationPath: file)
            // One reader, so a hang on any hint would stop every later one.
            let readAhead = ReadAhead(threads: 1)
            let paths = [folder + "/pipe.json.gz", folder, folder + "/missing.json.gz", folder + "/link.json.gz", file]
            for path in paths { #expect(readAhead.hint(path)) }
            let handled = try await Self.waitUntilHandled(readAhead, paths.count)
            #expect(handled)
        }
    }

    @Test("hints beyond the queue's size are dropped, not waited for")
    func fullQueueDropsHints() async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            let readAhead = ReadAhead(threads: 1, queued: 4)
            // The one reader is held by the first hint, so nothing leaves the queue while the rest are offered
            // (fewer than `quietAfter`, so none is dropped as a sample).
            let gate = DispatchSemaphore(value: 0)
            #expect(readAhead.hint { gate.wait(); return nil })
            var accepted = 1
            for index in 0..<100 where readAhead.hint(folder + "/missing-\(index)") { accepted += 1 }
            // 4 queued, plus the held one once the reader has taken it off the queue.
            #expect(accepted == 4 || accepted == 5)
            gate.signal()
            let handled = try await Self.waitUntilHandled(readAhead, accepted)
            #expect(handled)
        }
    }

    @Test("files already in the page cache make it stop asking for every file")
    func cachedFilesQuietTheHints() async throws {
        try await TestSupport.withTemporaryDirectory { folder in
            let count = ReadAhead.quietAfter + 20
            var paths: [String] = []
            for index in 0..<count {
                let path = folder + "/log-\(index).json.gz"
                #expect(FileManager.default.createFile(atPath: path, contents: Data(repeating: 7, count: 4096)))
                // Just written and read back whole, so in the page cache.
                _ = try Data(contentsOf: URL(fileURLWithPath: path))
                paths.append(path)
            }
            let readAhead = ReadAhead(threads: 1)
            #expect(readAhead.wantsEveryFile)
            // Hints are only dropped once quiet, which takes `quietAfter` handled ones.
            var accepted = 0
            for path in paths where readAhead.hint(path) { accepted += 1 }
            #expect(accepted >= ReadAhead.quietAfter)
            let handled = try await Self.waitUntilHandled(readAhead, accepted)
            #expect(handled)
            #if os(Linux)
            #expect(!readAhead.wantsEveryFile)
            // Quiet: one hint in `sampleEvery` is still taken, to notice a change.
            let sampled = (0..<(2 * ReadAhead.sampleEvery)).filter { readAhead.hint(paths[$0]) }.count
            #expect(sampled == 2)
            #endif
        }
    }
}
