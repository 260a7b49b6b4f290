/// Turns validation events into the AWS CLI's `validate-logs` output as they arrive.
///
/// Per chain: the "Validating log files for trail … between … and …" header, a
/// status line per file (valid ones only with `verbose`; problems always, on
/// standard error, each followed by a blank line as the CLI does), then the
/// "Results requested for …" summary with "x/y digest files valid".
public struct ValidationTextWriter: ValidationReportWriter {
    /// Whether valid files get a line too (`--verbose` on the command line); problems always do.
    public let verbose: Bool
    /// Where ``take(_:)`` sends the writes; ``writes(for:)`` returns them instead.
    private let output: (ValidationReport.TextWrite) -> Void
    private var lastWasDoubleSpaced = true
    private var backfill = false
    private var digestCounts = ValidationReport.Counts()
    private var logCounts = ValidationReport.Counts()
    private var notes = 0
    private var chainsWritten = 0

    /// - Parameters:
    ///   - verbose: whether valid files get a line too (`--verbose` on the command line).
    ///   - output: receives each write ``take(_:)`` makes, in order.
    public init(verbose: Bool, output: @escaping (ValidationReport.TextWrite) -> Void = { _ in }) {
        self.verbose = verbose
        self.output = output
    }

    /// Sends the writes `event` causes to `output`.
    public mutating func take(_ event: ValidationEvent) {
        for write in writes(for: event) { output(write) }
    }

    /// Nothing is left to write: each chain's summary lines come with its `chainFinished` event.
    public func finish(inputs: ValidationReport.Inputs, summary: ValidationReport.Summary) {}

    /// The writes one event causes, in order.
    public mutating func writes(for event: ValidationEvent) -> [ValidationReport.TextWrite] {
        var writes: [ValidationReport.TextWrite] = []
        func out(_ text: String) { writes.append(.init(stream: .standardOutput, text: text)) }
        func status(_ line: String, problem: Bool) {
            if problem {
                writes.append(.init(stream: .standardError, text: (lastWasDoubleSpaced ? "" : "\n") + line + "\n\n"))
                lastWasDoubleSpaced = true
            } else if verbose {
                out(line + "\n")
                lastWasDoubleSpaced = false
            }
        }
        switch event {
        case .notice(let text):
            writes.append(.init(stream: .standardError, text: "Note: \(text)\n\n"))
        case .chainStarted(let chain):
            backfill = chain.backfill
            digestCounts = .init()
            logCounts = .init()
            notes = 0
            // The AWS CLI validates one chain per run; between our chains a blank line keeps them apart.
            if chainsWritten > 0 { out("\n") }
            chainsWritten += 1
            out("Validating log files for trail \(chain.trailARN) between \(chain.requestedStart) and \(chain.requestedEnd)\n\n")
            lastWasDoubleSpaced = true
        case .digest(let digest):
            digestCounts.add(digest.status)
            status("\(backfill ? "(backfill) " : "")Digest file\t\(digest.s3URI)\t\(Self.statusText(digest.status, digest.message))",
                   problem: digest.status != .valid)
        case .logFile(let log):
            logCounts.add(log.status)
            if log.note != nil { notes += 1 }
            status("Log file\t\(log.s3URI)\t\(Self.statusText(log.status, log.message))", problem: log.status != .valid)
        case .gap(let gap):
            var line = "\(backfill ? "(backfill) " : "")No log files were delivered by CloudTrail between \(gap.start) and \(gap.end)"
            // The AWS CLI stops at the line above; what explains the gap follows, indented.
            for explanation in gap.explanations ?? [] {
                line += "\n\tExplained by \(explanation.eventName) (\(explanation.meaning)) at \(explanation.eventTime)"
                    + " by \(explanation.userARN ?? "an unknown identity") from \(explanation.sourceIPAddress ?? "an unknown address")"
                    + " in \(explanation.logFile)"
            }
            for claim in gap.unprovenClaims ?? [] {
                line += "\n\tUNPROVEN: \(claim.logFile) claims \(claim.eventName) (\(claim.meaning)) at \(claim.eventTime)"
                    + " by \(claim.userARN ?? "an unknown identity"), but this run did not prove that file"
            }
            for unreadable in gap.unreadableLogs ?? [] {
                line += "\n\tNot read for explanations: \(unreadable)"
            }
            if gap.explained == false {
                line += "\n\tUNEXPLAINED: no StopLogging, DeleteTrail, UpdateTrail, StartLogging or CreateTrail event in the logs around it"
            }
            status(line, problem: true)
        case .object(let object):
            status("Object\t\(object.s3URI)\t\(Self.statusText(object.status, object.message))", problem: true)
        case .coverage(let scope):
            var line = "Coverage of \(scope.scope) from \(scope.start) to \(scope.end): \(scope.logFilesInWindow) log files delivered"
            line += scope.notInAnyDigest > 0 ? ", \(scope.notInAnyDigest) UNREFERENCED (listed by no digest)" : ", 0 listed by no digest"
            if scope.deliveredDuringGap > 0 { line += ", \(scope.deliveredDuringGap) delivered during gaps (cannot be proven)" }
            if scope.unverified > 0 { line += ", \(scope.unverified) UNVERIFIED (in the span of an unreadable digest)" }
            if scope.invalid > 0 { line += ", \(scope.invalid) INVALID entries" }
            if scope.listedByTrailsNotValidated > 0 {
                line += ", \(scope.listedByTrailsNotValidated) listed by trails not validated in this run (not checked)"
            }
            if scope.digestChains == 0 { line += "; no digest chain was validated for this folder" }
            out((lastWasDoubleSpaced ? "" : "\n") + line + "\n")
            lastWasDoubleSpaced = false
        case .chainFinished(let chain):
            if !lastWasDoubleSpaced { out("\n") }
            out("Results requested for \(chain.requestedStart) to \(chain.requestedEnd)\n")
            if digestCounts.total == 0 {
                out("No digests found\n")
                lastWasDoubleSpaced = true
                break
            }
            if let start = chain.foundStart, let end = chain.foundEnd {
                out("Results found for \(start) to \(end):\n")
            } else {
                out("No valid digests found in range\n")
            }
            out(Self.ratio(digestCounts, name: chain.backfill ? "backfill digest" : "digest"))
            out(Self.ratio(logCounts, name: "log"))
            if notes > 0 {
                out("\n\(notes) of the valid log files were stored already decompressed (see the JSON report)")
            }
            if let from = chain.incrementalFrom {
                out("\nIncremental: only digests newer than \(from), verified by an earlier run (checkpoint), were checked")
            }
            out("\n")
            lastWasDoubleSpaced = false
        }
        return writes
    }

    /// `valid`, or `INVALID: reason` like the CLI; our own states in capitals the same way.
    static func statusText(_ status: VerdictStatus, _ message: String?) -> String {
        switch status {
        case .valid: return "valid"
        case .invalid, .missing: return "INVALID: \(message ?? "invalid")"
        case .unverified: return "UNVERIFIED: \(message ?? "cannot be proven")"
        case .unreferenced: return "UNREFERENCED: \(message ?? "listed by no digest")"
        }
    }

    static func ratio(_ counts: ValidationReport.Counts, name: String) -> String {
        let total = counts.total
        guard total > 0 else { return "" }
        var text = "\n\(counts.valid)/\(total) \(name) files valid"
        let invalid = counts.invalid + counts.missing
        if invalid > 0 { text += ", \(invalid)/\(total) \(name) files INVALID" }
        if counts.unverified > 0 { text += ", \(counts.unverified)/\(total) \(name) files UNVERIFIED" }
        if counts.unreferenced > 0 { text += ", \(counts.unreferenced)/\(total) \(name) files UNREFERENCED" }
        return text
    }
}
