/// The report as the AWS CLI's `validate-logs` prints it, so scripts written for the
/// CLI keep working. Findings the CLI does not have (`UNVERIFIED`) use the same shape.
extension ValidationReport {
    /// One write, to standard output or standard error, in the order the CLI would make it.
    public struct TextWrite: Sendable, Equatable {
        public enum Stream: Sendable, Equatable { case standardOutput, standardError }
        public var stream: Stream
        public var text: String
    }

    /// Renders every chain in walk order: header, status lines, summary.
    ///
    /// With `verbose`, one line per valid file on standard output (the CLI's `--verbose`);
    /// problems always go to standard error, each followed by a blank line, as the CLI does.
    public func textWrites(verbose: Bool) -> [TextWrite] {
        var writes: [TextWrite] = []
        var lastWasDoubleSpaced = true
        func out(_ text: String) { writes.append(TextWrite(stream: .standardOutput, text: text)) }
        func status(_ line: String, problem: Bool) {
            if problem {
                writes.append(TextWrite(stream: .standardError, text: (lastWasDoubleSpaced ? "" : "\n") + line + "\n\n"))
                lastWasDoubleSpaced = true
            } else if verbose {
                out(line + "\n")
                lastWasDoubleSpaced = false
            }
        }

        let logsByDigest = Dictionary(grouping: logFiles, by: \.digest)
        let gapsByDigest = Dictionary(grouping: gaps, by: \.newerDigest)
        for chain in chains {
            let chainDigests = digests.filter { $0.chain == chain.id }
            let requestedStart = inputs.startTime ?? chainDigests.compactMap(\.digestStartTime).min() ?? "-"
            let requestedEnd = inputs.endTime ?? chainDigests.compactMap(\.digestEndTime).max() ?? "-"
            let kind = chain.backfill ? "(backfill) " : ""
            out("Validating log files for trail \(chain.trailArn) between \(requestedStart) and \(requestedEnd)\n\n")
            lastWasDoubleSpaced = true
            var digestCounts = Counts()
            var logCounts = Counts()
            var notes = 0
            for digest in chainDigests {
                digestCounts.add(digest.status)
                status("\(kind)Digest file\t\(digest.s3Uri)\t\(Self.statusText(digest.status, digest.message))",
                       problem: digest.status != .valid)
                for log in logsByDigest[digest.s3Uri] ?? [] {
                    logCounts.add(log.status)
                    if log.note != nil { notes += 1 }
                    status("Log file\t\(log.s3Uri)\t\(Self.statusText(log.status, log.message))", problem: log.status != .valid)
                }
                for gap in gapsByDigest[digest.s3Uri] ?? [] {
                    status("\(kind)No log files were delivered by CloudTrail between \(gap.start) and \(gap.end)", problem: true)
                }
            }

            if !lastWasDoubleSpaced { out("\n") }
            out("Results requested for \(requestedStart) to \(requestedEnd)\n")
            if digestCounts.total == 0 {
                out("No digests found\n")
                continue
            }
            if let start = chain.foundStart, let end = chain.foundEnd {
                out("Results found for \(start) to \(end):\n")
            } else {
                out("No valid digests found in range\n")
            }
            out(Self.ratio(digestCounts, name: chain.backfill ? "backfill digest" : "digest"))
            out(Self.ratio(logCounts, name: "log"))
            if notes > 0 {
                out("\n\(notes) of the valid log files were stored already decompressed (see --format json)")
            }
            out("\n\n")
            lastWasDoubleSpaced = true
        }
        return writes
    }

    /// `valid`, or `INVALID: reason` like the CLI; our own states in capitals the same way.
    static func statusText(_ status: VerdictStatus, _ message: String?) -> String {
        switch status {
        case .valid: return "valid"
        case .invalid, .missing: return "INVALID: \(message ?? "invalid")"
        case .unverified: return "UNVERIFIED: \(message ?? "cannot be proven")"
        }
    }

    static func ratio(_ counts: Counts, name: String) -> String {
        let total = counts.total
        guard total > 0 else { return "" }
        var text = "\n\(counts.valid)/\(total) \(name) files valid"
        let invalid = counts.invalid + counts.missing
        if invalid > 0 { text += ", \(invalid)/\(total) \(name) files INVALID" }
        if counts.unverified > 0 { text += ", \(counts.unverified)/\(total) \(name) files UNVERIFIED" }
        return text
    }
}
