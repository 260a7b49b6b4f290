import Foundation
import Testing
@testable import CloudTrailVerify

/// `--shard K/N`: which share of a run is whose, and how `auto` reads the batch engines' environment.
@Suite("Shards")
struct ShardTests {
    /// Account and region folders of every shape: prefixes (some not ASCII), organizations, accounts, regions.
    static let scopes: [FolderScope] = {
        var scopes: [FolderScope] = []
        for prefix in [nil, "logs", "a/b", "préfixe"] as [String?] {
            for organization in [nil, "o-abc123defg"] as [String?] {
                for account in 0..<12 {
                    for region in ["us-east-1", "eu-west-3", "ap-southeast-2", "us-gov-west-1"] {
                        scopes.append(FolderScope(prefix: prefix, organizationID: organization,
                                                  accountID: String(format: "%012d", 111_122_223_333 + account * 7919), region: region))
                    }
                }
            }
        }
        return scopes
    }()

    @Test("every account and region folder is in exactly one shard, for N from 1 to 7")
    func everyFolderInExactlyOneShard() throws {
        for count in 1...7 {
            let shards = try (0..<count).map { try Shard(index: $0, count: count) }
            var sizes = Array(repeating: 0, count: count)
            for scope in Self.scopes {
                let owners = shards.filter { $0.owns(scope) }
                #expect(owners.count == 1, "\(scope.logFolder) among \(count)")
                if let owner = owners.first { sizes[owner.index] += 1 }
            }
            // What lies in no folder is shard 0's, and only shard 0's.
            #expect(shards.filter { $0.owns(nil) }.map(\.index) == [0])
            // A stable hash spreads the folders: no shard of a few is left empty.
            #expect(sizes.allSatisfy { $0 > 0 }, "\(sizes) among \(count)")
        }
    }

    @Test("the shard of a folder is the FNV-1a hash of its key's bytes: the same in every process and listing order")
    func shardIsStable() throws {
        // Pinned: computed independently (Python) for this key; a seeded hash would change from process to process.
        #expect(Shard.index(ofLogFolder: "AWSLogs/111122223333/CloudTrail/us-east-1", count: 7) == 6)
        let shuffled = Self.scopes.shuffled()
        for count in 1...7 {
            let forward = Dictionary(uniqueKeysWithValues: Self.scopes.map { ($0.logFolder, Shard.index(ofLogFolder: $0.logFolder, count: count)) })
            for scope in shuffled {
                #expect(Shard.index(ofLogFolder: scope.logFolder, count: count) == forward[scope.logFolder])
            }
        }
    }

    @Test("every vector's chains are in exactly one shard, for N from 1 to 7")
    func everyVectorChainInExactlyOneShard() throws {
        for name in TestVectorCatalog.names {
            let vector = try TestVectorCatalog.expected(name)
            guard vector.exitCode != 2 else { continue }
            let options = try TestVectorCatalog.options(name, vector)
            let whole = try BucketValidator(options: options).makePlan().chains.map(\.identity.id)
            for count in 1...7 {
                var seen: [String] = []
                for index in 0..<count {
                    var sharded = options
                    sharded.shard = try Shard(index: index, count: count)
                    seen += try BucketValidator(options: sharded).makePlan().chains.map(\.identity.id)
                }
                #expect(seen.sorted() == whole.sorted(), "\(name) in \(count) shards")
            }
        }
    }

    @Test("--shard K/N is read, and anything else is refused")
    func parsesExplicitShards() throws {
        let shard = try Shard(argument: "2/3", environment: [:])
        #expect(shard.index == 2 && shard.count == 3)
        for bad in ["3/3", "-1/3", "0/0", "1", "a/2", "1/2/3", "", "/2", "1/"] {
            #expect(throws: CloudTrailVerifyError.self, "\(bad)") { try Shard(argument: bad, environment: [:]) }
        }
    }

    @Test("--shard auto reads Slurm, Kubernetes and AWS Batch variables, and fails when they are missing or out of range")
    func readsBatchEngines() throws {
        let slurm = try Shard(argument: "auto", environment: ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "3"])
        #expect(slurm.index == 1 && slurm.count == 3)
        let kubernetes = try Shard(argument: "auto/4", environment: ["JOB_COMPLETION_INDEX": "3"])
        #expect(kubernetes.index == 3 && kubernetes.count == 4)
        let batch = try Shard(argument: "auto", environment: ["AWS_BATCH_JOB_ARRAY_INDEX": "0", "AWS_BATCH_JOB_ARRAY_SIZE": "2"])
        #expect(batch.index == 0 && batch.count == 2)
        let failures: [(String, [String: String])] = [
            ("auto", [:]),
            ("auto", ["JOB_COMPLETION_INDEX": "0"]),  // Kubernetes gives no count
            ("auto", ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "3"]),
            ("auto/2", ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "3"]),  // disagrees
            ("auto/2", ["JOB_COMPLETION_INDEX": "x"]),
            ("auto/2", ["AWS_BATCH_JOB_ARRAY_INDEX": "2"]),
        ]
        for (argument, environment) in failures {
            #expect(throws: CloudTrailVerifyError.self, "\(argument) \(environment)") {
                try Shard(argument: argument, environment: environment)
            }
        }
    }
}
