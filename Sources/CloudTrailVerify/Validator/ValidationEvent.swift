/// One step of a validation run, in the order the AWS CLI would print it: per chain,
/// the chain, then each digest newest first, each followed by its log files and by the
/// gap that opens below it, then the chain's end.
///
/// ``BucketValidator/run(isolation:_:)`` streams these, so a bucket of any size is reported in
/// bounded memory; ``BucketValidator/run()`` collects them into a ``ValidationReport``.
public enum ValidationEvent: Sendable, Equatable {
    /// Before everything: something to know about the run as a whole.
    case notice(String)
    /// A chain begins: what the AWS CLI prints as its header. Its found span is not known yet.
    case chainStarted(ValidationReport.Chain)
    /// One digest file judged, newest first; digests inferred to be missing come here too.
    case digest(ValidationReport.DigestEntry)
    /// One log file judged, after the digest that lists it (or, listed by no digest, before its folder's coverage).
    case logFile(ValidationReport.LogFileEntry)
    /// A stretch with no digests below the digest just reported, with what the logs say explains it.
    case gap(ValidationReport.Gap)
    /// The chain again, now with the span its valid digests cover.
    case chainFinished(ValidationReport.Chain)
    /// After every chain: the log folders checked for files no digest lists. The
    /// unreferenced log files of a folder come as `.logFile` events just before it.
    case coverage(ValidationReport.Coverage)
    /// After every chain, before the coverage of the folders: an object that is neither a digest
    /// nor a log file and is not CloudTrail's (an unexpected file, an orphan sidecar, an unreadable folder).
    case object(ValidationReport.ObjectEntry)
}
