import Foundation
import Testing
@testable import CloudTrailVerify

@Suite("ValidationHTMLWriter")
struct ValidationHTMLWriterTests {
    typealias Report = ValidationReport

    static let chainID = "AWSLogs/111122223333/CloudTrail-Digest/us-east-1#management-events"
    static let prefix = "s3://bucket/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/03/01/111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_"

    static func chain(start: String = "2025-03-01T00:09:41Z", end: String = "2025-03-01T05:09:41Z") -> Report.Chain {
        Report.Chain(id: chainID, trailName: "management-events", trailARN: "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events",
                     accountID: "111122223333", organizationID: nil, region: "us-east-1", homeRegion: "us-east-1", s3Prefix: nil,
                     bucket: "bucket", backfill: false, digestFilesOnDisk: 5, requestedStart: start, requestedEnd: end,
                     foundStart: nil, foundEnd: nil)
    }

    static func digest(_ hour: Int, _ status: VerdictStatus = .valid, reason: DigestReason? = nil, inferred: Bool? = nil,
                       uri: String? = nil) -> Report.DigestEntry {
        let end = String(format: "2025-03-01T%02d:09:41Z", hour)
        return Report.DigestEntry(s3URI: uri ?? prefix + String(format: "20250301T%02d0941Z.json.gz", hour), status: status, reason: reason,
                                  message: reason.map { "because \($0.rawValue)" }, chain: chainID,
                                  digestStartTime: inferred == true ? nil : String(format: "2025-03-01T%02d:09:41Z", hour - 1),
                                  digestEndTime: end, publicKeyFingerprint: nil, signatureSource: nil, logFileCount: 1,
                                  inferred: inferred, sha256: nil)
    }

    static func log(_ name: String, _ status: VerdictStatus = .valid, reason: LogFileReason? = nil, digest: String? = nil) -> Report.LogFileEntry {
        Report.LogFileEntry(s3URI: "s3://bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2025/03/01/" + name, status: status, reason: reason,
                            note: nil, message: reason.map { "because \($0.rawValue)" }, chain: chainID, digest: digest,
                            oldestEventTime: nil, newestEventTime: nil)
    }

    static func gap(explained: Bool?, explanations: [GapExplanation]? = nil) -> Report.Gap {
        Report.Gap(chain: chainID, start: "2025-03-01T01:09:41Z", end: "2025-03-01T02:39:00Z",
                   olderDigest: prefix + "20250301T010941Z.json.gz", newerDigest: prefix + "20250301T033900Z.json.gz",
                   explanations: explanations, explained: explained)
    }

    static let inputs = Report.Inputs(root: "bucket", bucket: "bucket", s3Prefix: nil, bucketRoots: [:], publicKeyFiles: ["keys/us-east-1.json"],
                                      startTime: nil, endTime: nil, trailARN: nil, accountID: nil, regions: [],
                                      publicKeys: [.init(file: "keys/us-east-1.json", region: "us-east-1", fingerprint: "5fb04c4ec40d26ebd5d669498eef2b08",
                                                         validityStart: "2025-01-01T00:00:00Z", validityEnd: "2025-07-01T00:00:00Z", bits: 2048)])

    static func summary(exitCode: Int = 0, warnings: Int = 0) -> Report.Summary {
        Report.Summary(digests: .init(), logFiles: .init(), gaps: 0, notes: 0, warnings: warnings,
                       result: exitCode == 0 ? .valid : .invalid, exitCode: exitCode)
    }

    static func render(_ events: [ValidationEvent], summary: Report.Summary = summary(), inputs: Report.Inputs = inputs,
                       limits: ValidationHTMLWriter.Limits = .init()) throws -> String {
        var page = Data()
        let writer = try ValidationHTMLWriter(output: { page.append($0) }, generatedAt: Date(timeIntervalSince1970: 1_750_000_000), limits: limits)
        events.forEach(writer.take)
        try writer.finish(inputs: inputs, summary: summary)
        return String(decoding: page, as: UTF8.self)
    }

    // MARK: Banner

    @Test("the banner says passed, passed with warnings, or failed, from the exit code and warnings")
    func bannerVerdict() throws {
        #expect(try Self.render([]).contains("<h1>CloudTrail validation passed</h1>"))
        #expect(try Self.render([], summary: Self.summary(warnings: 2)).contains("<h1>CloudTrail validation passed with warnings</h1>"))
        let failed = try Self.render([], summary: Self.summary(exitCode: 1, warnings: 2))
        #expect(failed.contains("<header class=\"banner failed\""))
        #expect(failed.contains("<h1>CloudTrail validation failed</h1>"))
    }

    @Test("the banner comes before everything else, and the inputs name the key's fingerprint, validity and the time made")
    func bannerFirstWithInputs() throws {
        let page = try Self.render([.chainStarted(Self.chain()), .digest(Self.digest(2, .invalid, reason: .signatureFailed)), .chainFinished(Self.chain())],
                                   summary: Self.summary(exitCode: 1))
        let banner = try #require(page.range(of: "id=\"verdict\""))
        let finding = try #require(page.range(of: "signature_failed"))
        #expect(banner.lowerBound < finding.lowerBound)
        #expect(page.contains("5fb04c4ec40d26ebd5d669498eef2b08"))
        #expect(page.contains("2025-01-01T00:00:00Z") && page.contains("2025-07-01T00:00:00Z"))
        #expect(page.contains("2025-06-15T15:06:40Z"))
        #expect(page.contains("cloudtrail-verify \(BucketValidator.version)"))
    }

    @Test("the page needs nothing outside itself: no external script, style, font or image")
    func selfContained() throws {
        let page = try Self.render([.chainStarted(Self.chain()), .digest(Self.digest(1)), .chainFinished(Self.chain())])
        #expect(!page.contains("<link"))
        #expect(!page.contains("src="))
        #expect(!page.contains("url("))
        #expect(!page.contains("@import"))
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.hasSuffix("</html>\n"))
    }

    // MARK: Timeline

    @Test("timeline cells: valid, invalid linked to its row, inferred missing, unverified, a log-finding mark")
    func timelineCells() {
        var timeline = ValidationHTMLWriter.Timeline(chain: Self.chain(), anchor: "chain1", limit: 24 * 400)
        timeline.add(digest: Self.digest(5, .missing, reason: .notFound, inferred: true), findingID: "f1")
        timeline.add(digest: Self.digest(4, .unverified, reason: .signatureUnavailable), findingID: "f2")
        timeline.add(digest: Self.digest(3, .invalid, reason: .signatureFailed), findingID: "f3")
        timeline.add(digest: Self.digest(2), findingID: nil)
        timeline.addLogFinding(id: "f4")
        timeline.add(digest: Self.digest(1), findingID: nil)
        var budget = 100
        let svg = timeline.svg(detailed: &budget).markup
        #expect(svg.hasPrefix("<svg class=\"timeline\""))
        #expect(svg.contains("<a href=\"#f3\"><rect class=\"s-invalid\""))
        #expect(svg.contains("<a href=\"#f2\"><rect class=\"s-unverified\""))
        #expect(svg.contains("<a href=\"#f1\"><rect class=\"s-missing inferred\""))
        // The valid digest whose log has a finding links to that log's row and carries the mark.
        #expect(svg.contains("<a href=\"#f4\"><rect class=\"s-valid\""))
        #expect(svg.contains("<circle class=\"lf\""))
        #expect(svg.contains(">I</text>") && svg.contains(">U</text>") && svg.contains(">M</text>"))
        #expect(svg.contains(">2025-03-01</text>"))
        #expect(timeline.counts.total == 5 && timeline.counts.invalid == 1)
        #expect(budget == 96)
    }

    @Test("once the page's budget of detailed cells is spent, finding cells show their colour only")
    func timelineDetailBudget() {
        var timeline = ValidationHTMLWriter.Timeline(chain: Self.chain(), anchor: "chain1", limit: 24 * 400)
        timeline.add(digest: Self.digest(3, .invalid, reason: .signatureFailed), findingID: "f3")
        timeline.add(digest: Self.digest(2, .invalid, reason: .signatureFailed), findingID: "f2")
        var budget = 1
        let svg = timeline.svg(detailed: &budget).markup
        #expect(svg.components(separatedBy: "<a href=").count - 1 == 1)
        #expect(svg.components(separatedBy: "s-invalid").count - 1 == 2)
    }

    @Test("a gap's hours are drawn as gap cells linked to the gap; a digest in the same hour wins")
    func timelineGap() {
        var timeline = ValidationHTMLWriter.Timeline(chain: Self.chain(), anchor: "chain1", limit: 24 * 400)
        timeline.add(digest: Self.digest(4), findingID: nil)
        timeline.add(gap: Self.gap(explained: true), id: "g9")
        timeline.add(digest: Self.digest(1), findingID: nil)
        var budget = 100
        let svg = timeline.svg(detailed: &budget).markup
        #expect(svg.contains("<a href=\"#g9\"><rect class=\"s-gap\""))
        #expect(timeline.cells[ValidationHTMLWriter.Timeline.hour(CloudTrailTime.parse("2025-03-01T00:39:41Z")!)]?.state == .valid)
        #expect(timeline.cells[ValidationHTMLWriter.Timeline.hour(CloudTrailTime.parse("2025-03-01T01:30:00Z")!)]?.state == .gap)
    }

    @Test("a window longer than the cap is cut to its newest hours, and the page says so")
    func timelineCap() {
        let long = Self.chain(start: "2020-01-01T00:00:00Z", end: "2025-03-01T05:09:41Z")
        var timeline = ValidationHTMLWriter.Timeline(chain: long, anchor: "chain1", limit: 24 * 400)
        #expect(timeline.window?.count == 24 * 400)
        timeline.add(digest: Self.digest(3), findingID: nil)
        var old = Self.digest(3)
        old.digestEndTime = "2021-01-01T03:09:41Z"
        old.digestStartTime = nil
        timeline.add(digest: old, findingID: nil)
        #expect(timeline.cells.count == 1)
        let caveats = timeline.caveats().joined(separator: " ")
        #expect(caveats.contains("only the newest 9600"))
        #expect(caveats.contains("1 digest(s) had no time inside the drawn hours"))
        var budget = 100
        let rows = timeline.svg(detailed: &budget).markup.components(separatedBy: "class=\"dl\"").count - 1
        #expect(rows <= 401)
    }

    @Test("runs of plain valid hours are one rect, so a long clean chain stays small")
    func timelineRunLength() {
        var timeline = ValidationHTMLWriter.Timeline(chain: Self.chain(start: "2025-03-01T00:00:00Z", end: "2025-03-01T23:00:00Z"),
                                                     anchor: "chain1", limit: 24 * 400)
        for hour in 1...23 { timeline.add(digest: Self.digest(hour), findingID: nil) }
        var budget = 100
        let svg = timeline.svg(detailed: &budget).markup
        #expect(svg.components(separatedBy: "<rect").count - 1 <= 2)
    }

    // MARK: Findings

    @Test("findings are grouped by severity, with the reason's explanation, the URI and the message")
    func findingsGrouped() throws {
        let bad = Self.digest(3, .invalid, reason: .signatureFailed)
        let page = try Self.render([
            .chainStarted(Self.chain()), .digest(bad),
            .logFile(Self.log("a.json.gz", .unverified, reason: .digestInvalid, digest: bad.s3URI)),
            .chainFinished(Self.chain()),
            .logFile(Self.log("b.json.gz", .unreferenced, reason: .deliveredDuringGap)),
        ], summary: Self.summary(exitCode: 1, warnings: 1))
        let failures = try #require(page.range(of: "<h3>Failures (2)</h3>"))
        let warnings = try #require(page.range(of: "<h3>Warnings (1)</h3>"))
        #expect(failures.lowerBound < warnings.lowerBound)
        #expect(page.contains("id=\"why-digest-signature_failed\""))
        #expect(page.contains(HTMLEscaping.escape(AuditorExplanations.digest("signature_failed").meaning)))
        #expect(page.contains(HTMLEscaping.escape(AuditorExplanations.digest("signature_failed").whatToDo)))
        #expect(page.contains(HTMLEscaping.escape(AuditorExplanations.logFile("digest_invalid").meaning)))
        #expect(page.contains(bad.s3URI))
        #expect(page.contains("because signature_failed"))
        #expect(page.contains("id=\"why-log-file-delivered_during_gap\""))
    }

    @Test("an object key holding markup is shown as text everywhere it appears")
    func hostileKeyIsEscaped() throws {
        let hostile = "s3://bucket/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/03/01/</script><script>alert(1)</script><img src=x onerror=alert(2)>\"'.json.gz"
        let page = try Self.render([
            .chainStarted(Self.chain()), .digest(Self.digest(3, .invalid, reason: .moved, uri: hostile)), .chainFinished(Self.chain()),
        ], summary: Self.summary(exitCode: 1))
        #expect(!page.contains("<img src=x"))
        #expect(!page.contains("alert(1)</script>"))
        #expect(page.contains(HTMLEscaping.escape(hostile)))
        // Only the page's own script element.
        #expect(page.components(separatedBy: "<script").count == 2)
    }

    @Test("beyond the row cap findings are counted, not listed")
    func findingRowCap() throws {
        var limits = ValidationHTMLWriter.Limits()
        limits.findingRows = 1
        let page = try Self.render([
            .chainStarted(Self.chain()),
            .digest(Self.digest(3, .invalid, reason: .signatureFailed)),
            .digest(Self.digest(2, .invalid, reason: .signatureFailed)),
            .digest(Self.digest(1, .invalid, reason: .signatureFailed)),
            .chainFinished(Self.chain()),
        ], summary: Self.summary(exitCode: 1), limits: limits)
        #expect(page.components(separatedBy: "<tr class=\"finding\"").count - 1 == 1)
        #expect(page.contains("2 more not listed here"))
        #expect(page.contains("signature_failed</code>: 3</h4>"))
    }

    @Test("valid files are counted, and only the first few listed")
    func validFilesCounted() throws {
        var events: [ValidationEvent] = [.chainStarted(Self.chain()), .digest(Self.digest(1))]
        for index in 0..<5_000 { events.append(.logFile(Self.log("log\(index).json.gz", digest: Self.digest(1).s3URI))) }
        events.append(.chainFinished(Self.chain()))
        let page = try Self.render(events)
        #expect(page.contains("1 valid digest(s) and 5000 valid log file(s)"))
        #expect(page.contains("log19.json.gz"))
        #expect(!page.contains("log20.json.gz"))
        #expect(page.utf8.count < 64 * 1024)
    }

    @Test("many findings give a page of bounded size: rows past the cap are counted")
    func manyFindingsBounded() throws {
        var events: [ValidationEvent] = [.chainStarted(Self.chain()), .digest(Self.digest(1))]
        let long = String(repeating: "k", count: 200)
        for index in 0..<12_000 {
            events.append(.logFile(Self.log("\(long)\(index).json.gz", .invalid, reason: .hashMismatch, digest: Self.digest(1).s3URI)))
        }
        events.append(.chainFinished(Self.chain()))
        let page = try Self.render(events, summary: Self.summary(exitCode: 1))
        #expect(page.components(separatedBy: "<tr class=\"finding\"").count - 1 == ValidationHTMLWriter.Limits().findingRows)
        #expect(page.contains("7000 more not listed here"))
        #expect(page.utf8.count < 10 * 1024 * 1024)
    }

    // MARK: Gaps

    @Test("an explained gap shows who did what, when, from where and in which log")
    func explainedGap() throws {
        let explanation = GapExplanation(eventName: "UpdateTrail", eventTime: "2025-03-01T01:05:00Z", userARN: "arn:aws:iam::111122223333:user/mallory",
                                         sourceIPAddress: "203.0.113.7", logFile: "s3://bucket/AWSLogs/x.json.gz",
                                         detail: "EnableLogFileValidation false", meaning: "log file validation disabled")
        let page = try Self.render([.chainStarted(Self.chain()), .digest(Self.digest(4)), .gap(Self.gap(explained: true, explanations: [explanation])),
                                    .digest(Self.digest(1)), .chainFinished(Self.chain())])
        #expect(page.contains("Gap from 2025-03-01T01:09:41Z to 2025-03-01T02:39:00Z"))
        #expect(page.contains("<strong>UpdateTrail</strong> (log file validation disabled, EnableLogFileValidation false) at 2025-03-01T01:05:00Z"))
        #expect(page.contains("arn:aws:iam::111122223333:user/mallory") && page.contains("203.0.113.7"))
        #expect(page.contains("s3://bucket/AWSLogs/x.json.gz"))
        #expect(!page.contains("Unexplained"))
    }

    @Test("an unexplained gap says so, and is a warning linked to it")
    func unexplainedGap() throws {
        let page = try Self.render([.chainStarted(Self.chain()), .digest(Self.digest(4)), .gap(Self.gap(explained: false, explanations: [])),
                                    .digest(Self.digest(1)), .chainFinished(Self.chain())], summary: Self.summary(warnings: 1))
        #expect(page.contains("<strong>Unexplained</strong>"))
        #expect(page.contains("id=\"why-gap-unexplained\""))
        #expect(page.contains(HTMLEscaping.escape(AuditorExplanations.unexplainedGap.meaning)))
        // The warning row links to the gap's own block.
        let gapID = try #require(page.firstMatch(of: /<div class="gap" id="(g[0-9]+)">/)?.1)
        #expect(page.contains("<a href=\"#\(gapID)\">see the gap</a>"))
    }

    // MARK: The vectors

    @Test("the page names every non-valid digest and log file and every gap of the vector", arguments: TestVectorCatalog.names)
    func vectorPageNamesEveryFinding(name: String) async throws {
        let expected = try TestVectorCatalog.expected(name)
        let options = try TestVectorCatalog.options(name, expected)
        var page = Data()
        let writer = try ValidationHTMLWriter(output: { page.append($0) })
        let result = try await BucketValidator(options: options).run { writer.take($0) }
        try writer.finish(inputs: result.inputs, summary: result.summary)
        let html = String(decoding: page, as: UTF8.self)
        for entry in (expected.digests + expected.logFiles) where entry.status != "valid" {
            #expect(html.contains("<code class=\"uri\">\(HTMLEscaping.escape(entry.s3URI))</code>"), "\(name): \(entry.s3URI) not named")
        }
        for gap in expected.gaps {
            #expect(html.contains("Gap from \(gap.start) to \(gap.end)"), "\(name): gap \(gap.start) not shown")
        }
        #expect(html.contains(result.summary.exitCode == 0 ? "CloudTrail validation passed" : "CloudTrail validation failed"))
    }

    @Test("the page shows the SHA-256 of the JSON report of the same run, and hands that report on")
    func jsonReportHash() async throws {
        let name = "modified-digest"
        let expected = try TestVectorCatalog.expected(name)
        let report = try await BucketValidator(options: TestVectorCatalog.options(name, expected)).run()
        var page = Data()
        var json = Data()
        let writer = try ValidationHTMLWriter(output: { page.append($0) }, jsonOutput: { json.append($0) })
        report.events.forEach(writer.take)
        try writer.finish(inputs: report.inputs, summary: report.summary)
        let reference = try report.jsonData()
        #expect(json == reference)
        let hash = MessageDigestAlgorithm.sha256.hash([UInt8](reference)).hexString
        #expect(writer.jsonReportSHA256 == hash)
        #expect(String(decoding: page, as: UTF8.self).contains("<code>\(hash)</code>"))
    }

    @Test("a collected report renders the same page as the stream it came from")
    func reportRendersLikeStream() async throws {
        let name = "validation-disabled-gap"
        let options = try TestVectorCatalog.options(name, TestVectorCatalog.expected(name))
        let made = Date(timeIntervalSince1970: 1_750_000_000)
        var streamed = Data()
        let writer = try ValidationHTMLWriter(output: { streamed.append($0) }, generatedAt: made)
        let result = try await BucketValidator(options: options).run { writer.take($0) }
        try writer.finish(inputs: result.inputs, summary: result.summary)
        let report = try await BucketValidator(options: options).run()
        #expect(try report.htmlData(generatedAt: made) == streamed)
    }

    @Test("field values of an event kind the writer does not know are read as plain text")
    func plainValues() {
        let missing: String? = nil
        #expect(ValidationHTMLWriter.plain(missing as Any) == nil)
        #expect(ValidationHTMLWriter.plain(Optional("x") as Any) == "x")
        #expect(ValidationHTMLWriter.plain(DigestReason.keyWrongRegion) == "key_wrong_region")
        #expect(ValidationHTMLWriter.plain(3) == "3")
    }
}
