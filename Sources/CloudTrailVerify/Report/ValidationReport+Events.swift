extension ValidationReport {
    /// The report's content as the event stream that produced it.
    public var events: [ValidationEvent] {
        let logsByDigest = Dictionary(grouping: logFiles, by: \.digest)
        let gapsByDigest = Dictionary(grouping: gaps, by: \.newerDigest)
        // The accounting and checkpoint stages' notices come after everything else, as in the run.
        let isLate = { (text: String) in
            ([BucketValidator.notCheckedNoticePrefix] + BucketValidator.checkpointNoticePrefixes).contains { text.utf8.starts(with: $0.utf8) }
        }
        var events: [ValidationEvent] = notices.filter { !isLate($0) }.map(ValidationEvent.notice)
        for chain in chains {
            var started = chain
            started.foundStart = nil
            started.foundEnd = nil
            events.append(.chainStarted(started))
            for digest in digests where digest.chain == chain.id {
                events.append(.digest(digest))
                events += (logsByDigest[digest.s3URI] ?? []).filter { $0.chain == chain.id }.map(ValidationEvent.logFile)
                events += (gapsByDigest[digest.s3URI] ?? []).filter { $0.chain == chain.id }.map(ValidationEvent.gap)
            }
            events.append(.chainFinished(chain))
        }
        events += objects.map(ValidationEvent.object)
        let unreferenced = Dictionary(grouping: logFiles.filter { $0.digest == nil }, by: \.chain)
        for scope in coverage {
            // The same folder key can be in two buckets (ROOT and a --bucket-root copy).
            let bucket = "s3://" + (scope.bucket ?? inputs.bucket) + "/"
            events += (unreferenced[scope.scope] ?? []).filter { $0.s3URI.utf8.starts(with: bucket.utf8) }.map(ValidationEvent.logFile)
            events.append(.coverage(scope))
        }
        events += notices.filter(isLate).map(ValidationEvent.notice)
        return events
    }
}

/// Collects a streamed run into a ``ValidationReport``.
struct ValidationReportCollector {
    private(set) var chains: [ValidationReport.Chain] = []
    private(set) var digests: [ValidationReport.DigestEntry] = []
    private(set) var logFiles: [ValidationReport.LogFileEntry] = []
    private(set) var objects: [ValidationReport.ObjectEntry] = []
    private(set) var gaps: [ValidationReport.Gap] = []
    private(set) var coverage: [ValidationReport.Coverage] = []
    private(set) var notices: [String] = []

    mutating func take(_ event: ValidationEvent) {
        switch event {
        case .chainStarted: break
        case .digest(let entry): digests.append(entry)
        case .logFile(let entry): logFiles.append(entry)
        case .object(let entry): objects.append(entry)
        case .gap(let gap): gaps.append(gap)
        case .chainFinished(let chain): chains.append(chain)
        case .coverage(let scope): coverage.append(scope)
        case .notice(let text): notices.append(text)
        }
    }
}
