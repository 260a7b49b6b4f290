import Foundation

/// Writes the auditor's report: one self-contained HTML page (inline CSS and SVG, no external resource,
/// readable without JavaScript, printable to PDF), from the same event stream as the text and JSON writers.
///
/// The page starts with the verdict, which needs the final counts, so nothing is written before
/// ``finish(inputs:summary:)``: finding rows are rendered as they arrive into unlinked spool files in the
/// temporary folder (one per severity and reason code), each chain's timeline into another when the chain
/// finishes, and the page is assembled from them at the end. Memory holds one chain's drawn hours, a few
/// sample rows, the coverage entries and the notices; it does not grow with the number of files.
///
/// Every string from the bucket is escaped (HTML-escaped, attributes and text alike). A finding is rendered from its status,
/// reason code and message, whatever the code, with the auditor's explanation of that code (`docs/verdicts.md` in words); an
/// event kind this writer does not know is shown field by field rather than dropped.
///
/// The JSON report of the same run is written alongside into a SHA-256 (and to `jsonOutput` when given), so
/// the page can name the hash of the machine-readable report it belongs to.
public final class ValidationHTMLWriter: ValidationReportWriter {
    /// Caps that keep the page small however large the bucket.
    public struct Limits: Sendable {
        /// Valid digests, and valid log files, listed by name (the rest are counted).
        public var validFilesListed = 20
        /// Finding rows listed in all; beyond it findings are counted per reason (the JSON report has them all).
        public var findingRows = 5_000
        /// Timeline cells drawn with a link, letter and tooltip, over all chains; beyond it they show their colour only.
        public var detailedCells = 20_000
        /// Hours drawn per chain's timeline; a longer range is cut to its newest hours, and the page says so.
        public var timelineHours = 24 * 400

        /// The defaults, which keep a page of any bucket under a few megabytes.
        public init() {}
    }

    enum Severity: Int, Comparable {
        case failure, warning, note

        static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rawValue < rhs.rawValue }

        var title: String {
            switch self {
            case .failure: return "Failures"
            case .warning: return "Warnings"
            case .note: return "Notes"
            }
        }
    }

    /// The findings of one severity, kind ("digest", "log file", …) and reason code.
    final class FindingGroup {
        struct Key: Hashable {
            var severity: Severity
            var kind: String
            var code: String
        }

        let key: Key
        let explanation: AuditorExplanation
        let spool: SpillFile
        var count = 0
        var listed = 0

        init(key: Key, explanation: AuditorExplanation) throws(SpillFile.Failure) {
            self.key = key
            self.explanation = explanation
            spool = try SpillFile()
        }
    }

    private let output: (Data) -> Void
    private let generatedAt: Date
    private let limits: Limits
    private let json: ValidationJSONWriter
    private let jsonHash = MessageDigest(.sha256)
    private let timelines: SpillFile
    /// Why a spool failed; the page cannot be finished then.
    private var problem: String?
    private var groups: [FindingGroup.Key: FindingGroup] = [:]
    private var rowsListed = 0
    private var nextID = 0
    private var timeline: Timeline?
    private var detailedCellsLeft: Int
    private var chainsSeen = 0
    private var validDigests: [HTML] = []
    private var validLogs: [HTML] = []
    private var validDigestCount = 0
    private var validLogCount = 0
    private var coverage: [ValidationReport.Coverage] = []
    private var notices: [String] = []
    private var otherEvents: [HTML] = []
    private var otherEventCount = 0
    private var finished = false

    /// The hex SHA-256 of the JSON report of this run; set by ``finish(inputs:summary:)``.
    public private(set) var jsonReportSHA256: String?

    /// - Parameters:
    ///   - output: receives the page's bytes, all during ``finish(inputs:summary:)``.
    ///   - generatedAt: the time the page says it was made.
    ///   - jsonOutput: also receives the JSON report of the run (`docs/report.md`), whose SHA-256 the page shows.
    ///   - limits: caps on what the page lists and draws, so it stays small however large the bucket.
    public init(output: @escaping (Data) -> Void, generatedAt: Date = Date(), jsonOutput: ((Data) -> Void)? = nil,
                limits: Limits = Limits()) throws(CloudTrailVerifyError) {
        self.output = output
        self.generatedAt = generatedAt
        self.limits = limits
        detailedCellsLeft = limits.detailedCells
        let hash = jsonHash
        json = try ValidationJSONWriter { data in
            data.withUnsafeBytes { hash.update($0) }
            jsonOutput?(data)
        }
        do {
            timelines = try SpillFile()
        } catch {
            throw CloudTrailVerifyError(.outputFailed, "cannot create a spool file for the report (\(error.message))",
                                        path: FileManager.default.temporaryDirectory.path)
        }
    }

    private func makeID(_ prefix: StaticString) -> String {
        nextID += 1
        return "\(prefix)\(nextID)"
    }

    private func spool(_ html: HTML, to file: SpillFile) {
        var bytes = html.markup
        bytes.withUTF8 { buffer in
            do throws(SpillFile.Failure) { try file.append(UnsafeRawBufferPointer(buffer)) } catch { problem = problem ?? error.message }
        }
    }

    // MARK: Events

    /// Renders the finding `event` carries into the spool files (and feeds it to the JSON report); writes nothing yet.
    public func take(_ event: ValidationEvent) {
        json.take(event)
        // Not a `switch`: an event kind added later falls through to `other` and is shown, not a compile error
        // here and not silently dropped.
        if case .notice(let text) = event {
            notices.append(text)
        } else if case .chainStarted(let chain) = event {
            chainsSeen += 1
            timeline = Timeline(chain: chain, anchor: "chain\(chainsSeen)", limit: limits.timelineHours)
        } else if case .digest(let entry) = event {
            take(digest: entry)
        } else if case .logFile(let entry) = event {
            take(logFile: entry)
        } else if case .gap(let gap) = event {
            take(gap: gap)
        } else if case .chainFinished(let chain) = event {
            finishChain(chain)
        } else if case .coverage(let scope) = event {
            coverage.append(scope)
        } else if case .object(let entry) = event {
            take(object: entry)
        } else {
            other(event)
        }
    }

    /// Files a finding row under its severity and reason; returns the row's id (also when it is only counted).
    @discardableResult
    private func addFinding(severity: Severity, kind: String, code: String, explanation: AuditorExplanation,
                            row: (String) -> HTML) -> String {
        let key = FindingGroup.Key(severity: severity, kind: kind, code: code)
        let group: FindingGroup
        if let existing = groups[key] {
            group = existing
        } else {
            do throws(SpillFile.Failure) {
                group = try FindingGroup(key: key, explanation: explanation)
            } catch {
                problem = problem ?? error.message
                return "findings"
            }
            groups[key] = group
        }
        group.count += 1
        let id = makeID("f")
        guard rowsListed < limits.findingRows else { return Self.groupAnchor(key) }
        rowsListed += 1
        group.listed += 1
        spool(row(id), to: group.spool)
        return id
    }

    /// Events of kinds the page has no section for, listed field by field; the rest are counted.
    static let otherEventsListed = 200

    static func groupAnchor(_ key: FindingGroup.Key) -> String {
        "why-" + key.kind.replacingOccurrences(of: " ", with: "-") + "-" + key.code
    }

    private func take(digest entry: ValidationReport.DigestEntry) {
        var findingID: String?
        if entry.status == .valid {
            validDigestCount += 1
            if validDigests.count < limits.validFilesListed {
                validDigests.append("<li><code>\(entry.s3URI)</code>\(Self.muted(entry.message))</li>")
            }
        } else {
            let code = entry.reason?.rawValue ?? entry.status.rawValue
            findingID = addFinding(severity: .failure, kind: "digest", code: code, explanation: AuditorExplanations.digest(code)) { id in
                var details: [String] = ["chain \(entry.chain)"]
                if let start = entry.digestStartTime { details.append("from \(start)") }
                if let end = entry.digestEndTime { details.append("to \(end)") }
                if entry.inferred == true { details.append("inferred from the hourly cadence (no link names it)") }
                if let fingerprint = entry.publicKeyFingerprint { details.append("key \(fingerprint)") }
                if let source = entry.signatureSource { details.append("signature from \(source.rawValue)") }
                if let count = entry.logFileCount { details.append("lists \(count) log file(s)") }
                return Self.row(id: id, status: entry.status.rawValue, code: code, uri: entry.s3URI, message: entry.message, details: details)
            }
        }
        timeline?.add(digest: entry, findingID: findingID)
    }

    private func take(logFile entry: ValidationReport.LogFileEntry) {
        if entry.status == .valid {
            validLogCount += 1
            if let note = entry.note {
                addFinding(severity: .note, kind: "log file note", code: note.rawValue, explanation: AuditorExplanations.note(note.rawValue)) { id in
                    Self.row(id: id, status: "valid", code: note.rawValue, uri: entry.s3URI, message: entry.message,
                             details: ["chain \(entry.chain)"] + (entry.digest.map { ["listed by \($0)"] } ?? []))
                }
            } else if validLogs.count < limits.validFilesListed {
                validLogs.append("<li><code>\(entry.s3URI)</code></li>")
            }
            return
        }
        let code = entry.reason?.rawValue ?? entry.status.rawValue
        // Logs delivered while the chain had no digests are expected then: a warning unless --strict.
        let severity: Severity = entry.reason == .deliveredDuringGap ? .warning : .failure
        let id = addFinding(severity: severity, kind: "log file", code: code, explanation: AuditorExplanations.logFile(code)) { id in
            var details: [String] = [entry.digest == nil ? "log folder \(entry.chain)" : "chain \(entry.chain)"]
            if let digest = entry.digest { details.append("listed by \(digest)") }
            if let oldest = entry.oldestEventTime, let newest = entry.newestEventTime { details.append("events \(oldest) to \(newest)") }
            return Self.row(id: id, status: entry.status.rawValue, code: code, uri: entry.s3URI, message: entry.message, details: details)
        }
        if entry.digest != nil { timeline?.addLogFinding(id: id) }
    }

    private func take(object entry: ValidationReport.ObjectEntry) {
        let code = entry.reason.rawValue
        addFinding(severity: .failure, kind: "object", code: code, explanation: AuditorExplanations.object(code)) { id in
            Self.row(id: id, status: entry.status.rawValue, code: code, uri: entry.s3URI, message: entry.message,
                     details: entry.scope.map { ["folder \($0)"] } ?? [])
        }
    }

    private func take(gap: ValidationReport.Gap) {
        let id = makeID("g")
        if gap.explained == false {
            addFinding(severity: .warning, kind: "gap", code: "unexplained", explanation: AuditorExplanations.unexplainedGap) { row in
                Self.row(id: row, status: "gap", code: "unexplained", uri: gap.newerDigest,
                         message: "no digests from \(gap.start) to \(gap.end), and nothing in the logs around it explains why",
                         details: ["chain \(gap.chain)"], link: id)
            }
        }
        guard var current = timeline else {
            // A gap outside any chain (not produced today): shown among the other events rather than lost.
            otherEvent(name: "gap", fields: [("start", gap.start), ("end", gap.end), ("chain", gap.chain)])
            return
        }
        current.add(gap: gap, id: id)
        defer { timeline = current }
        guard current.gaps.count < Timeline.maximumGapsShown else {
            current.gapsNotShown += 1
            return
        }
        var html: HTML = "<div class=\"gap\" id=\"\(id)\"><p><strong>Gap from \(gap.start) to \(gap.end)</strong>: no digests were written. Between <code>\(gap.olderDigest)</code> and <code>\(gap.newerDigest)</code>.</p>"
        if let explanations = gap.explanations, !explanations.isEmpty {
            html += "<ul>"
            for explanation in explanations {
                var line: HTML = "<li><strong>\(explanation.eventName)</strong> (\(explanation.meaning)"
                if let detail = explanation.detail { line += ", \(detail)" }
                line += ") at \(explanation.eventTime) by <code>\(explanation.userARN ?? "an unknown identity")</code> from <code>\(explanation.sourceIPAddress ?? "an unknown address")</code>, recorded in <code>\(explanation.logFile)</code></li>"
                html += line
            }
            html += "</ul><p class=\"muted\">An explanation is what a log says, not a proof: check that log file's own verdict.</p>"
        } else if gap.explained == false {
            html += "<p class=\"bad\"><strong>Unexplained</strong>: no StopLogging, DeleteTrail, UpdateTrail, StartLogging or CreateTrail event in the logs around it.</p>"
        } else {
            html += "<p class=\"muted\">Not searched for an explanation (gap explanations were turned off).</p>"
        }
        html += "</div>"
        current.gaps.append(html)
    }

    private func finishChain(_ chain: ValidationReport.Chain) {
        guard let current = timeline else { return }
        timeline = nil
        let counts = current.counts
        var html: HTML = "<section class=\"chain\" id=\"\(current.anchor)\"><h3><code>\(chain.id)</code></h3><dl class=\"facts\">"
        html += "<dt>Trail</dt><dd><code>\(chain.trailARN)</code>\(chain.backfill ? " (backfill digests)" : "")</dd>"
        html += "<dt>Region</dt><dd>\(chain.region) (home region \(chain.homeRegion))</dd>"
        html += "<dt>Requested</dt><dd>\(chain.requestedStart) to \(chain.requestedEnd)</dd>"
        if let start = chain.foundStart, let end = chain.foundEnd {
            html += "<dt>Valid digests span</dt><dd>\(start) to \(end)</dd>"
        } else {
            html += "<dt>Valid digests span</dt><dd class=\"bad\">nothing: no valid digest in range</dd>"
        }
        if let expected = chain.expectedThrough { html += "<dt>Expected digests through</dt><dd>\(expected)</dd>" }
        if let from = chain.incrementalFrom { html += "<dt>Incremental from</dt><dd><code>\(from)</code> (verified by an earlier run)</dd>" }
        html += "<dt>Digests</dt><dd>\(Self.countsText(counts)); \(chain.digestFilesOnDisk) digest file(s) of this chain on disk</dd></dl>"
        html += current.svg(detailed: &detailedCellsLeft)
        for caveat in current.caveats() { html += "<p class=\"muted\">\(caveat)</p>" }
        if !current.gaps.isEmpty || current.gapsNotShown > 0 {
            html += "<h4>Gaps</h4>" + HTML.join(current.gaps)
            if current.gapsNotShown > 0 { html += "<p class=\"muted\">\(current.gapsNotShown) more gap(s) are not shown; the JSON report lists them all.</p>" }
        }
        html += "</section>"
        spool(html, to: timelines)
    }

    /// An event kind this writer has no special rendering for: a finding when it has a status other than
    /// valid, otherwise a line among the other events. Either way every field is shown, escaped.
    private func other(_ event: ValidationEvent) {
        let mirror = Mirror(reflecting: event)
        guard let child = mirror.children.first else {
            otherEvent(name: String(describing: event), fields: [])
            return
        }
        let name = child.label ?? "event"
        var fields: [(String, String)] = []
        for field in Mirror(reflecting: child.value).children {
            guard let label = field.label, let value = Self.plain(field.value) else { continue }
            fields.append((label, value))
        }
        if fields.isEmpty, let value = Self.plain(child.value) { fields.append(("value", value)) }
        let lookup = Dictionary(fields, uniquingKeysWith: { first, _ in first })
        if let status = lookup["status"], status != "valid" {
            let code = lookup["reason"] ?? status
            addFinding(severity: .failure, kind: name, code: code, explanation: .unknown) { id in
                Self.row(id: id, status: status, code: code, uri: lookup["s3Uri"] ?? lookup["scope"] ?? name,
                         message: lookup["message"],
                         details: fields.filter { !["status", "reason", "s3Uri", "message"].contains($0.0) }.map { "\($0.0) \($0.1)" })
            }
            return
        }
        otherEvent(name: name, fields: fields)
    }

    private func otherEvent(name: String, fields: [(String, String)]) {
        otherEventCount += 1
        guard otherEvents.count < Self.otherEventsListed else { return }
        otherEvents.append("<li><strong>\(name)</strong> " + HTML.join(fields.map { "<span class=\"field\">\($0.0): <code>\($0.1)</code></span>" }, separator: " ") + "</li>")
    }

    /// A field value as text: optionals unwrapped (`nil` for none), enums by raw value.
    static func plain(_ value: Any) -> String? {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first else { return nil }
            return plain(wrapped.value)
        }
        if let raw = value as? any RawRepresentable { return String(describing: raw.rawValue) }
        return String(describing: value)
    }

    // MARK: The page

    /// Finishes the JSON report (for its hash), then writes the whole page.
    public func finish(inputs: ValidationReport.Inputs, summary: ValidationReport.Summary) throws(CloudTrailVerifyError) {
        guard !finished else { return }
        finished = true
        try json.finish(inputs: inputs, summary: summary)
        let hash = jsonHash.finalize().hexString
        jsonReportSHA256 = hash
        if let problem {
            throw CloudTrailVerifyError(.outputFailed, "cannot write the HTML report's spool file: \(problem)")
        }
        write(head(inputs: inputs, summary: summary))
        write(banner(summary: summary))
        write(inputsSection(inputs, jsonSHA256: hash))
        write("<section id=\"chains\"><h2>Chains</h2>\(Self.legend)")
        if chainsSeen == 0 { write("<p>No chain was validated.</p>") }
        try copy(timelines)
        write("</section>")
        try findingsSections()
        write(coverageSection(inputs: inputs, summary: summary))
        write(validSection(summary: summary))
        write(otherSection())
        write("<footer><p>Written by cloudtrail-verify \(BucketValidator.version). Status values and reason codes: docs/verdicts.md and docs/report.md of the tool.</p></footer></main>\(Self.script)</body></html>\n")
    }

    private func write(_ html: HTML) {
        output(Data(html.markup.utf8))
    }

    private func copy(_ file: SpillFile) throws(CloudTrailVerifyError) {
        var offset: Int64 = 0
        while offset < file.size {
            var chunk = Data(count: Int(min(file.size - offset, 1 << 20)))
            var failure: SpillFile.Failure?
            chunk.withUnsafeMutableBytes { buffer in
                do throws(SpillFile.Failure) { try file.read(at: offset, into: buffer) } catch { failure = error }
            }
            if let failure {
                throw CloudTrailVerifyError(.outputFailed, "cannot read back the HTML report's spool file: \(failure.message)")
            }
            output(chunk)
            offset += Int64(chunk.count)
        }
    }

    private func head(inputs: ValidationReport.Inputs, summary: ValidationReport.Summary) -> HTML {
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"generator\" content=\"\("cloudtrail-verify " + BucketValidator.version)\"><title>\("CloudTrail validation: " + Self.verdict(summary).title + " (" + inputs.bucket + ")")</title><style>\(Self.style)</style></head><body><main>\n"
    }

    /// The page's verdict: failed when the run exits non-zero, passed with warnings when it passes with some.
    static func verdict(_ summary: ValidationReport.Summary) -> (title: String, css: String) {
        if summary.result != .valid { return ("failed", "failed") }
        if summary.warnings > 0 { return ("passed with warnings", "warned") }
        return ("passed", "passed")
    }

    private func banner(summary: ValidationReport.Summary) -> HTML {
        let verdict = Self.verdict(summary)
        var html: HTML = "<header class=\"banner \(verdict.css)\" id=\"verdict\"><h1>CloudTrail validation \(verdict.title)</h1><ul class=\"counts\">"
        html += "<li><strong>Digests</strong>: \(Self.countsText(summary.digests))</li>"
        html += "<li><strong>Log files</strong>: \(Self.countsText(summary.logFiles))</li>"
        html += "<li><strong>Gaps</strong>: \(summary.gaps)</li><li><strong>Warnings</strong>: \(summary.warnings)</li><li><strong>Notes</strong>: \(summary.notes)</li>"
        if summary.trailsWithoutDigests > 0 {
            html += "<li class=\"bad\"><strong>Trails without any digest</strong>: \(summary.trailsWithoutDigests)</li>"
        }
        html += "<li><strong>Exit code</strong>: \(summary.exitCode)</li></ul></header>\n"
        if !notices.isEmpty {
            html += "<section id=\"notices\"><h2>Notices</h2><ul>" + HTML.join(notices.map { "<li>\($0)</li>" }) + "</ul></section>\n"
        }
        return html
    }

    private func inputsSection(_ inputs: ValidationReport.Inputs, jsonSHA256: String) -> HTML {
        var html: HTML = "<section id=\"inputs\"><h2>Inputs</h2><dl class=\"facts\">"
        html += "<dt>ROOT</dt><dd><code>\(inputs.root)</code></dd><dt>Bucket</dt><dd><code>\(inputs.bucket)</code></dd>"
        html += "<dt>Prefixes</dt><dd>\(inputs.s3Prefix.map { "only " + $0 } ?? "every prefix found")</dd>"
        for (name, folder) in inputs.bucketRoots.sorted(by: { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }) {
            html += "<dt>Other bucket</dt><dd><code>\(name)</code> at <code>\(folder)</code></dd>"
        }
        html += "<dt>Time window</dt><dd>\(inputs.startTime ?? "from the oldest digest") to \(inputs.endTime ?? "the newest digest")</dd>"
        html += "<dt>Trail ARN</dt><dd>\(inputs.trailARN.map { HTML("<code>\($0)</code>") } ?? "every trail found")</dd>"
        if let account = inputs.accountID { html += "<dt>Account</dt><dd>\(account)</dd>" }
        html += "<dt>Regions</dt><dd>\(inputs.regions.isEmpty ? "every region found" : inputs.regions.joined(separator: ", "))</dd>"
        html += "<dt>Tool</dt><dd>cloudtrail-verify \(BucketValidator.version)</dd>"
        html += "<dt>Report made</dt><dd>\(CloudTrailTime.display(generatedAt))</dd>"
        html += "<dt>JSON report SHA-256</dt><dd><code>\(jsonSHA256)</code> <span class=\"muted\">(of the bytes of the JSON report of this run)</span></dd></dl>"
        html += "<h3>Public keys</h3><table class=\"keys\"><thead><tr><th>File</th><th>Region</th><th>Fingerprint</th><th>Valid from</th><th>Valid to</th></tr></thead><tbody>"
        if let keys = inputs.publicKeys {
            for key in keys {
                html += "<tr><td><code>\(key.file)</code></td><td>\(key.region ?? "every region (file bound to none)")</td><td><code>\(key.fingerprint)</code></td><td>\(key.validityStart ?? "not stated")</td><td>\(key.validityEnd ?? "not stated")</td></tr>"
            }
        } else {
            for file in inputs.publicKeyFiles {
                html += "<tr><td><code>\(file)</code></td><td colspan=\"4\" class=\"muted\">not recorded</td></tr>"
            }
        }
        html += "</tbody></table></section>\n"
        return html
    }

    private func findingsSections() throws(CloudTrailVerifyError) {
        let ordered = groups.values.sorted {
            ($0.key.severity, $0.key.kind, $0.key.code) < ($1.key.severity, $1.key.kind, $1.key.code)
        }
        write("<section id=\"findings\"><h2>Findings</h2>")
        if ordered.isEmpty { write("<p>None: every digest and log file in range is valid.</p>") }
        var severity: Severity?
        for group in ordered {
            if group.key.severity != severity {
                if severity != nil { write("</div>") }
                severity = group.key.severity
                let total = ordered.filter { $0.key.severity == group.key.severity }.reduce(0) { $0 + $1.count }
                write("<div class=\"severity sev-\(group.key.severity.title.lowercased())\"><h3>\(group.key.severity.title) (\(total))</h3>")
                if group.key.severity == .warning {
                    write("<p class=\"muted\">Warnings do not fail the run on their own; in strict mode they do.</p>")
                }
            }
            let explanation = group.explanation
            var html: HTML = "<section class=\"group\" id=\"\(Self.groupAnchor(group.key))\"><h4>\(group.key.kind) <code>\(group.key.code)</code>: \(group.count)</h4><div class=\"explain\"><p><strong>What it means</strong>: \(explanation.meaning)</p>"
            if let causes = explanation.causes { html += "<p><strong>What could cause it</strong>: \(causes)</p>" }
            html += "<p><strong>What to do</strong>: \(explanation.whatToDo)</p></div><table class=\"rows\"><thead><tr><th>Status</th><th>Object</th><th>Reason</th></tr></thead><tbody>"
            write(html)
            try copy(group.spool)
            write("</tbody></table>")
            if group.listed < group.count {
                write("<p class=\"muted\">\(group.count - group.listed) more not listed here (the page lists at most \(limits.findingRows) findings); the JSON report has every one.</p>")
            }
            write("</section>")
        }
        if severity != nil { write("</div>") }
        write("</section>\n")
    }

    private func coverageSection(inputs: ValidationReport.Inputs, summary: ValidationReport.Summary) -> HTML {
        var html: HTML = "<section id=\"coverage\"><h2>Coverage per log folder</h2>"
        if coverage.isEmpty {
            html += "<p>No log folder was scanned for files that no digest lists (the coverage check was turned off, or no chain was walked).</p>"
        } else {
            html += "<table><thead><tr><th>Log folder</th><th>Window</th><th>Log files delivered</th><th>Listed by no digest</th><th>Delivered during gaps</th></tr></thead><tbody>"
            for scope in coverage {
                html += "<tr><td><code>\(scope.scope)</code></td><td>\(scope.start) to \(scope.end)</td><td>\(scope.logFilesInWindow)</td><td class=\"\(scope.notInAnyDigest > 0 ? "bad" : "")\">\(scope.notInAnyDigest)</td><td>\(scope.deliveredDuringGap)</td></tr>"
            }
            html += "</tbody></table>"
        }
        html += "<h3>Not checked</h3><ul>"
        if let prefix = inputs.s3Prefix { html += "<li>Everything outside the prefix <code>\(prefix)</code>.</li>" }
        if let trail = inputs.trailARN { html += "<li>Chains of trails other than <code>\(trail)</code>.</li>" }
        if let account = inputs.accountID { html += "<li>Chains of accounts other than \(account).</li>" }
        if !inputs.regions.isEmpty { html += "<li>Chains of regions other than \(inputs.regions.joined(separator: ", ")).</li>" }
        if inputs.startTime != nil || inputs.endTime != nil {
            html += "<li>Digests and log files delivered outside \(inputs.startTime ?? "the oldest digest") to \(inputs.endTime ?? "the newest digest").</li>"
        }
        for folder in summary.notChecked {
            html += "<li><code>\(folder.folder)</code>: \(folder.reason)</li>"
        }
        if summary.otherObjects > 0 {
            html += "<li>\(summary.otherObjects) object(s) outside every CloudTrail folder (other services' logs, other files): counted, not judged.</li>"
        }
        html += "<li>Log files listed only by an invalid or unverified digest are not read (they are reported unverified).</li></ul></section>\n"
        return html
    }

    private func validSection(summary: ValidationReport.Summary) -> HTML {
        var html: HTML = "<section id=\"valid\"><h2>Valid files</h2><p>\(validDigestCount) valid digest(s) and \(validLogCount) valid log file(s). They are counted, not all listed"
        html += validDigests.count < validDigestCount || validLogs.count < validLogCount ? "; the first few:" : ":"
        html += "</p>"
        if !validDigests.isEmpty { html += "<details><summary>Digests (\(validDigests.count) of \(validDigestCount))</summary><ul class=\"files\">" + HTML.join(validDigests) + "</ul></details>" }
        if !validLogs.isEmpty { html += "<details><summary>Log files (\(validLogs.count) of \(validLogCount))</summary><ul class=\"files\">" + HTML.join(validLogs) + "</ul></details>" }
        html += "</section>\n"
        return html
    }

    private func otherSection() -> HTML {
        guard otherEventCount > 0 else { return .empty }
        var html: HTML = "<section id=\"other\"><h2>Other events (\(otherEventCount))</h2><ul>" + HTML.join(otherEvents) + "</ul>"
        if otherEvents.count < otherEventCount { html += "<p class=\"muted\">\(otherEventCount - otherEvents.count) more are in the JSON report.</p>" }
        html += "</section>\n"
        return html
    }

    // MARK: Rows

    static func muted(_ text: String?) -> HTML {
        guard let text else { return .empty }
        return " <span class=\"muted\">\(text)</span>"
    }

    static func row(id: String, status: String, code: String, uri: String, message: String?, details: [String], link: String? = nil) -> HTML {
        var html: HTML = "<tr class=\"finding\" id=\"\(id)\"><td><span class=\"badge st-\(status)\">\(status)</span></td><td><code class=\"uri\">\(uri)</code>"
        if let message { html += "<div class=\"msg\">\(message)</div>" }
        if !details.isEmpty { html += "<div class=\"details\">\(details.joined(separator: " · "))</div>" }
        if let link { html += "<div class=\"details\"><a href=\"\("#" + link)\">see the gap</a></div>" }
        html += "</td><td><code>\(code)</code></td></tr>\n"
        return html
    }

    static func countsText(_ counts: ValidationReport.Counts) -> String {
        var parts = ["\(counts.valid) valid"]
        if counts.invalid > 0 { parts.append("\(counts.invalid) invalid") }
        if counts.missing > 0 { parts.append("\(counts.missing) missing") }
        if counts.unverified > 0 { parts.append("\(counts.unverified) unverified") }
        if counts.unreferenced > 0 { parts.append("\(counts.unreferenced) unreferenced") }
        return parts.joined(separator: ", ") + " of \(counts.total)"
    }
}
