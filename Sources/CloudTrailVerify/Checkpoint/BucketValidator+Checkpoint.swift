import Foundation

extension BucketValidator {
    /// The checkpoint stage: records the newest valid digest of every chain that came out clean, its
    /// account and region folder included. A chain with any finding keeps its old entry, so that an
    /// `--incremental` run never starts past a finding that is not resolved.
    func writeCheckpoint(_ path: String, plan: Plan, outcomes: [ChainRun.Outcome], scopesWithFindings: Set<FolderScope>,
                         sink: (ValidationEvent) -> Void) throws(CloudTrailVerifyError) {
        var checkpoint = plan.checkpoint ?? ValidationCheckpoint()
        let now = CloudTrailTime.display(Date())
        var skipped: [String] = []
        var written = 0
        for outcome in outcomes.sorted(by: { $0.identity < $1.identity }) {
            guard let entry = outcome.newestValid else { continue }
            let chainID = outcome.identity.id
            guard !outcome.hasFindings, !scopesWithFindings.contains(FolderScope(outcome.identity)) else {
                skipped.append(chainID)
                continue
            }
            written += 1
            guard let sha256 = entry.sha256, let end = entry.digestEndTime else { continue }
            // Never move a checkpoint backwards: an incremental run's newest digest is at least as new.
            if let old = checkpoint.chains[chainID], old.digestEndTime > end { continue }
            checkpoint.chains[chainID] = ValidationCheckpoint.Entry(
                digestS3Uri: entry.s3URI, digestEndTime: end, digestSHA256: sha256, signatureSHA256: nil, recordedAt: now)
        }
        try checkpoint.write(to: path)
        sink(.notice(Self.checkpointNoticePrefixes[0] + "\(path): the newest valid digest of \(written) chain(s)"))
        if !skipped.isEmpty {
            sink(.notice(Self.checkpointNoticePrefixes[1] + "\(skipped.joined(separator: ", ")): the chain or its account and region folder has findings, and an incremental run must not start past them"))
        }
    }

    /// How the checkpoint stage's notices begin: they come last in a report (``ShardMerge`` keeps them there).
    static let checkpointNoticePrefixes = ["checkpoint written to ", "checkpoint not moved for "]
}
