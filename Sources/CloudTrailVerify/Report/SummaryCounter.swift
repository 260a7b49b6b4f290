/// Tallies the report's summary while events stream past.
struct SummaryCounter {
    let strict: Bool
    var digests = ValidationReport.Counts()
    var logFiles = ValidationReport.Counts()
    var objects = ValidationReport.Counts()
    var gaps = 0
    var notes = 0
    var warnings = 0
    /// Logs delivered during a gap: not valid, but not a failure unless strict.
    var logsDuringGaps = 0
    var unexplainedGaps = 0
    var trailsWithoutDigests = 0
    var otherObjects = 0
    var notChecked: [ValidationReport.NotChecked] = []

    init(strict: Bool) { self.strict = strict }

    mutating func take(_ event: ValidationEvent) {
        switch event {
        case .digest(let entry): digests.add(entry.status)
        case .logFile(let entry):
            logFiles.add(entry.status)
            if entry.note != nil { notes += 1 }
            if entry.reason == .deliveredDuringGap { warnings += 1; logsDuringGaps += 1 }
        case .object(let entry): objects.add(entry.status)
        case .gap(let gap):
            gaps += 1
            if gap.explained == false { warnings += 1; unexplainedGaps += 1 }
        case .chainStarted, .chainFinished, .coverage, .notice: break
        }
    }

    var summary: ValidationReport.Summary {
        // Logs delivered during a gap cannot be proven, as expected while validation was off:
        // a warning, unless the caller asked for strictness.
        let allValid = digests.total == digests.valid && trailsWithoutDigests == 0
            && logFiles.total - (strict ? 0 : logsDuringGaps) == logFiles.valid
            && objects.total == objects.valid
            && (!strict || unexplainedGaps == 0)
        var summary = ValidationReport.Summary(digests: digests, logFiles: logFiles, gaps: gaps, notes: notes,
                                               warnings: warnings, result: allValid ? .valid : .invalid,
                                               exitCode: allValid ? 0 : 1)
        summary.trailsWithoutDigests = trailsWithoutDigests
        summary.objects = objects
        summary.otherObjects = otherObjects
        summary.notChecked = notChecked
        return summary
    }
}
