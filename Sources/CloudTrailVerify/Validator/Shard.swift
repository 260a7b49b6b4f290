/// One share of a run split across machines (`validate --shard K/N`): shard `index` of `count`.
///
/// The unit is the log folder of one account and region (`[prefix/]AWSLogs/[o-org/]ACCOUNT/CloudTrail/REGION`): a folder is accounted for
/// against the logs every chain delivering there lists, so all of a folder's chains, its accounting and
/// the objects found in its folders go to one shard. The shard of a folder is the FNV-1a 64-bit hash of
/// its log-folder key's bytes (`[prefix/]AWSLogs/[o-org/]ACCOUNT/CloudTrail/REGION`) modulo `count`:
/// the same on every machine and in every process, whatever the listing order and whichever other
/// shards run. What belongs to no folder (an unreadable folder above any account, notices about the
/// run as a whole) belongs to shard 0.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    /// From 0 to `count - 1`.
    public var index: Int
    /// How many shards the run is split into (at least 1).
    public var count: Int

    public init(index: Int, count: Int) throws(CloudTrailVerifyError) {
        guard count >= 1 else {
            throw CloudTrailVerifyError(.invalidArgument, "the shard count must be at least 1", found: "\(count)", option: .shard)
        }
        guard index >= 0, index < count else {
            throw CloudTrailVerifyError(.invalidArgument, "the shard index must be from 0 to \(count - 1)",
                                        found: "\(index)/\(count)", option: .shard)
        }
        self.index = index
        self.count = count
    }

    /// `K/N`.
    public var description: String { "\(index)/\(count)" }

    /// The environment variables `--shard auto` reads, per batch engine, in the order they are tried.
    public static let environmentVariables: [(engine: String, index: String, count: String?)] = [
        ("Slurm array job", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT"),
        ("Kubernetes Indexed Job", "JOB_COMPLETION_INDEX", nil),
        ("AWS Batch array job", "AWS_BATCH_JOB_ARRAY_INDEX", "AWS_BATCH_JOB_ARRAY_SIZE"),
    ]

    /// Parses `--shard`: `K/N`, `auto/N` or `auto` (K, and N where the engine gives it, from `environment`).
    public init(argument: String, environment: [String: String]) throws(CloudTrailVerifyError) {
        let parts = argument.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, let first = parts.first else {
            throw Self.malformed(argument)
        }
        let givenCount: Int?
        if parts.count == 2 {
            guard let count = Self.number(parts[1]) else { throw Self.malformed(argument) }
            givenCount = count
        } else {
            givenCount = nil
        }
        if first == "auto" {
            let (index, count) = try Self.fromEnvironment(environment, givenCount: givenCount)
            try self.init(index: index, count: count)
        } else {
            guard let index = Self.number(first), let givenCount else { throw Self.malformed(argument) }
            try self.init(index: index, count: givenCount)
        }
    }

    private static func fromEnvironment(_ environment: [String: String], givenCount: Int?) throws(CloudTrailVerifyError) -> (Int, Int) {
        for (engine, indexName, countName) in environmentVariables {
            guard let text = environment[indexName] else { continue }
            guard let index = number(text) else {
                throw CloudTrailVerifyError(.invalidArgument, "\(indexName) (\(engine)) is not a shard index", found: text, option: .shard)
            }
            let engineCount = countName.flatMap { environment[$0] }
            var count = givenCount
            if let engineCount, let countName {
                guard let parsed = number(engineCount) else {
                    throw CloudTrailVerifyError(.invalidArgument, "\(countName) (\(engine)) is not a shard count", found: engineCount, option: .shard)
                }
                if let givenCount, givenCount != parsed {
                    throw CloudTrailVerifyError(.invalidArgument, "auto/\(givenCount) disagrees with \(countName)=\(parsed)", option: .shard)
                }
                count = parsed
            }
            guard let count else {
                throw CloudTrailVerifyError(.invalidArgument, "\(engine) gives no shard count: give it as auto/N",
                                            found: "\(indexName)=\(text)", option: .shard)
            }
            guard count >= 1, index < count else {
                throw CloudTrailVerifyError(.invalidArgument, "\(indexName)=\(index) is out of range for \(count) shard(s)",
                                            expected: "0 to \(count - 1)", option: .shard)
            }
            return (index, count)
        }
        let names = environmentVariables.map(\.index).joined(separator: ", ")
        throw CloudTrailVerifyError(.invalidArgument, "no batch engine's shard index in the environment (\(names))", option: .shard)
    }

    private static func number(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int(text)
    }

    private static func malformed(_ argument: String) -> CloudTrailVerifyError {
        CloudTrailVerifyError(.invalidArgument, "expected K/N (K from 0 to N-1), auto/N or auto", found: argument, option: .shard)
    }

    /// The shard a log folder key (`…/CloudTrail/REGION`) belongs to among `count`.
    public static func index(ofLogFolder key: String, count: Int) -> Int {
        // FNV-1a, 64 bits: stable across processes and machines, unlike Swift's seeded Hasher.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int(hash % UInt64(count))
    }

    /// Whether this shard owns the folders of `scope`; what lies in no scope belongs to shard 0.
    func owns(_ scope: FolderScope?) -> Bool {
        guard let scope else { return index == 0 }
        return Self.index(ofLogFolder: scope.logFolder, count: count) == index
    }

    /// Whether this shard reports what concerns the run as a whole (notices of the plan, counts of other objects).
    var ownsRunWide: Bool { index == 0 }
}

extension Shard {
    /// Whether `shard` (nil: the whole run) owns `scope`.
    static func owns(_ shard: Shard?, _ scope: FolderScope?) -> Bool { shard?.owns(scope) ?? true }
}
