extension ValidationReport {
    /// Which share of a sharded run a report is (`validate --shard K/N`), and the settings that change verdicts,
    /// which every shard of one run must share (the other inputs are in ``Inputs``).
    public struct ShardInput: Sendable, Codable, Equatable {
        /// From 0 to `count - 1`.
        public internal(set) var index: Int
        /// How many shards the run was split into.
        public internal(set) var count: Int
        /// `--strict`.
        public internal(set) var strict: Bool
        /// Not `--no-coverage`.
        public internal(set) var checkCoverage: Bool
        /// Not `--no-gap-explanations`.
        public internal(set) var explainGaps: Bool
        /// The ARN of every trail `--trail` named, sorted.
        public internal(set) var trails: [String]
        /// What digests must reach (`--trail-status`, `--expect-digests-through`), clipped to the window.
        public internal(set) var expectDigestsThrough: String?
        /// `--incremental`.
        public internal(set) var incremental: Bool
        /// Log files this shard's digests list in log folders another shard accounts for (`s3://…`, sorted): only
        /// a digest in the wrong place lists them. The merge takes them out of that shard's unreferenced files, as
        /// one run would. A result of the run, not a setting: the shards need not agree on it.
        public internal(set) var listedInOtherShards: [String] = []

        /// A shard record; the validator fills it in for a sharded run.
        public init(index: Int, count: Int, strict: Bool, checkCoverage: Bool, explainGaps: Bool, trails: [String],
                    expectDigestsThrough: String?, incremental: Bool) {
            self.index = index
            self.count = count
            self.strict = strict
            self.checkCoverage = checkCoverage
            self.explainGaps = explainGaps
            self.trails = trails
            self.expectDigestsThrough = expectDigestsThrough
            self.incremental = incremental
        }
    }
}
