import Foundation
import Testing
@testable import CloudTrailVerify

/// `cloudtrail-verify merge`: the shards of one run make the report of one run, and nothing else is merged.
@Suite("Merging shards")
struct ShardMergeTests {
    static func shardReports(_ options: ValidationOptions, count: Int) async throws -> [ValidationReport] {
        var reports: [ValidationReport] = []
        for index in 0..<count {
            var sharded = options
            sharded.shard = try Shard(index: index, count: count)
            // Through JSON, as merge reads them.
            let report = try await BucketValidator(options: sharded).run()
            reports.append(try JSONDecoder().decode(ValidationReport.self, from: JSONEncoder().encode(report)))
        }
        return reports
    }

    @Test("the merge of N shards is the single run's report, on every vector", arguments: TestVectorCatalog.names)
    func mergeEqualsSingleRun(name: String) async throws {
        let vector = try TestVectorCatalog.expected(name)
        guard vector.exitCode != 2 else { return }
        let options = try TestVectorCatalog.options(name, vector)
        let single = try await BucketValidator(options: options).run()
        for count in [2, 3] {
            let shards = try await Self.shardReports(options, count: count)
            // Every chain and every log folder was in exactly one shard.
            #expect(shards.map(\.chains.count).reduce(0, +) == single.chains.count, "\(name): chains in \(count) shards")
            #expect(shards.map(\.coverage.count).reduce(0, +) == single.coverage.count, "\(name): folders in \(count) shards")
            let merged = try ShardMerge.merge(shards.reversed(), names: (0..<count).map { "shard \($0)" })
            #expect(merged.summary.exitCode == single.summary.exitCode, "\(name): exit code from \(count) shards")
            #expect(merged.chains == single.chains, "\(name): chains from \(count) shards")
            #expect(merged.digests == single.digests, "\(name): digests from \(count) shards")
            #expect(merged.logFiles == single.logFiles, "\(name): log files from \(count) shards")
            #expect(merged.objects == single.objects, "\(name): objects from \(count) shards")
            #expect(merged.gaps == single.gaps, "\(name): gaps from \(count) shards")
            #expect(merged.coverage == single.coverage, "\(name): coverage from \(count) shards")
            #expect(merged.notices == single.notices, "\(name): notices from \(count) shards")
            #expect(merged.summary == single.summary, "\(name): summary from \(count) shards")
            #expect(merged == single, "\(name): the whole report from \(count) shards")
        }
    }

    @Test("merge refuses a missing shard, a shard given twice, and reports that are not one run's shards")
    func refusesWhatIsNotOneRun() async throws {
        let name = "two-trails"
        let options = try TestVectorCatalog.options(name, try TestVectorCatalog.expected(name))
        let shards = try await Self.shardReports(options, count: 3)
        let names = ["a.json", "b.json", "c.json"]
        func refusal(_ reports: [ValidationReport], _ names: [String]) -> String? {
            do {
                _ = try ShardMerge.merge(reports, names: names)
                return nil
            } catch {
                return error.message
            }
        }
        #expect(refusal([shards[0], shards[2]], ["a.json", "c.json"])?.contains("shard 1/3 missing") == true)
        #expect(refusal([shards[0], shards[1], shards[1], shards[2]], names + ["d.json"])?.contains("shard 1/3 is given twice") == true)
        #expect(refusal([], [])?.contains("no report") == true)

        var otherWindow = shards[1]
        otherWindow.inputs.startTime = "2025-03-01T00:00:00Z"
        #expect(refusal([shards[0], otherWindow, shards[2]], names)?.contains("the start time differs") == true)
        var otherKeys = shards[2]
        otherKeys.inputs.publicKeys = []
        #expect(refusal([shards[0], shards[1], otherKeys], names)?.contains("the public keys differs") == true)
        var otherStrict = shards[2]
        otherStrict.inputs.shard?.strict.toggle()
        #expect(refusal([shards[0], shards[1], otherStrict], names)?.contains("strictness differs") == true)
        var otherVersion = shards[2]
        otherVersion.version = "0.0.1"
        #expect(refusal([shards[0], shards[1], otherVersion], names)?.contains("another tool version") == true)
        let otherCount = try await Self.shardReports(options, count: 2)
        #expect(refusal([shards[0], shards[1], otherCount[1]], names)?.contains("the shard count") == true)
        let whole = try await BucketValidator(options: options).run()
        #expect(refusal([whole], ["whole.json"])?.contains("not a shard's report") == true)
        // Each shard's root may differ (each machine its own copy): that is not refused.
        var elsewhere = shards[1]
        elsewhere.inputs.root = "/mnt/elsewhere"
        #expect(refusal([shards[0], elsewhere, shards[2]], names) == nil)
    }
}

extension ShardMergeTests {
    @Test("each shard keeps its own checkpoint of its own chains, and --incremental shards merge into the incremental single run")
    func checkpointsPerShard() async throws {
        for name in ["multi-region", "org-trail", "two-trails"] {
            let options = try TestVectorCatalog.options(name, try TestVectorCatalog.expected(name))
            try await TestSupport.withTemporaryDirectory { scratch in
                let count = 2
                var sharded: [ValidationOptions] = []
                for index in 0..<count {
                    var shard = options
                    shard.shard = try Shard(index: index, count: count)
                    shard.checkpointFile = scratch + "/checkpoint-\(index).json"
                    let report = try await BucketValidator(options: shard).run()
                    let checkpoint = try #require(try ValidationCheckpoint.load(path: shard.checkpointFile!))
                    // Only this shard's chains (those that came out clean).
                    #expect(Set(checkpoint.chains.keys).isSubset(of: Set(report.chains.map(\.id))), "\(name) shard \(index)")
                    shard.incremental = true
                    sharded.append(shard)
                }
                var single = options
                single.checkpointFile = scratch + "/checkpoint.json"
                _ = try await BucketValidator(options: single).run()
                single.incremental = true

                var reports: [ValidationReport] = []
                for shard in sharded { reports.append(try await BucketValidator(options: shard).run()) }
                let merged = try ShardMerge.merge(reports, names: ["0", "1"])
                let whole = try await BucketValidator(options: single).run()
                #expect(merged.chains == whole.chains, "\(name)")
                #expect(merged.digests == whole.digests, "\(name)")
                #expect(merged.logFiles == whole.logFiles, "\(name)")
                #expect(merged.coverage == whole.coverage, "\(name)")
                #expect(merged.summary == whole.summary, "\(name)")
                // Each shard wrote its own checkpoint and says so; everything else is the single run's.
                let isCheckpointNotice = { (text: String) in text.hasPrefix("checkpoint ") }
                #expect(merged.notices.filter { !isCheckpointNotice($0) } == whole.notices.filter { !isCheckpointNotice($0) }, "\(name)")
                #expect(merged.notices.filter { $0.hasPrefix("checkpoint written to ") }.count == count, "\(name)")
            }
        }
    }
}

extension ShardMergeTests {
    @Test("with a --bucket-root copy holding the same folders, the merge keeps each bucket's folders apart and in one run's order")
    func mergeWithAnotherBucketRoot() async throws {
        for (name, other) in [("orphan-log-folders", "multi-region"), ("multi-region", "orphan-log-folders"), ("two-trails", "org-trail")] {
            var options = try TestVectorCatalog.options(name, try TestVectorCatalog.expected(name))
            options.bucketRoots = ["archive-bucket": TestVectorCatalog.folder(other).appendingPathComponent("bucket").path]
            let single = try await BucketValidator(options: options).run()
            // The other copy's folders are accounted for too, beside ROOT's of the same key.
            #expect(single.coverage.contains { $0.bucket == "archive-bucket" }, "\(name) + \(other)")
            for count in [2, 3, 5] {
                let merged = try ShardMerge.merge(try await Self.shardReports(options, count: count), names: [])
                #expect(merged == single, "\(name) + \(other) from \(count) shards")
            }
        }
    }
}
