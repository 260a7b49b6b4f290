import Foundation
import Testing
@testable import CloudTrailVerify

@Suite("ValidationReport")
struct ValidationReportTests {
    typealias Report = ValidationReport

    static let arn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events"
    static let chainID = "AWSLogs/111122223333/CloudTrail-Digest/us-east-1#management-events"
    static func digestURI(_ n: Int) -> String { "s3://bucket/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/03/01/d\(n).json.gz" }
    static func logURI(_ n: Int) -> String { "s3://bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2025/03/01/l\(n).json.gz" }

    static func chain(backfill: Bool = false, found: Bool = true) -> Report.Chain {
        Report.Chain(id: chainID + (backfill ? " (backfill)" : ""), trailName: "management-events", trailARN: arn,
                     accountID: "111122223333", organizationID: nil, region: "us-east-1", homeRegion: "us-east-1",
                     s3Prefix: nil, bucket: "bucket", backfill: backfill, digestFilesOnDisk: 3,
                     requestedStart: "2025-03-01T00:00:00Z", requestedEnd: "2025-03-01T04:00:00Z",
                     foundStart: found ? "2025-03-01T01:00:00Z" : nil, foundEnd: found ? "2025-03-01T03:00:00Z" : nil)
    }

    static func digest(_ n: Int, _ status: VerdictStatus, _ reason: DigestReason? = nil, _ message: String? = nil,
                       chain: String = chainID) -> Report.DigestEntry {
        Report.DigestEntry(s3URI: digestURI(n), status: status, reason: reason, message: message, chain: chain,
                           digestStartTime: "2025-03-01T0\(n - 1):00:00Z", digestEndTime: "2025-03-01T0\(n):00:00Z",
                           publicKeyFingerprint: "5fb04c4ec40d26ebd5d669498eef2b08",
                           signatureSource: status == .valid ? .sidecar : nil, logFileCount: 1)
    }

    static func log(_ n: Int, digest: Int, _ status: VerdictStatus, _ reason: LogFileReason? = nil, note: LogFileNote? = nil,
                    _ message: String? = nil, chain: String = chainID) -> Report.LogFileEntry {
        Report.LogFileEntry(s3URI: logURI(n), status: status, reason: reason, note: note, message: message, chain: chain,
                            digest: digestURI(digest), oldestEventTime: "2025-03-01T00:10:00Z", newestEventTime: "2025-03-01T00:20:00Z")
    }

    static func report(chains: [Report.Chain], digests: [Report.DigestEntry], logFiles: [Report.LogFileEntry],
                       gaps: [Report.Gap] = []) -> Report {
        Report(inputs: Report.Inputs(root: "/data/bucket", bucket: "bucket", s3Prefix: nil, bucketRoots: ["bucket": "/data/bucket"],
                                     publicKeyFiles: ["/keys/us-east-1.json"], startTime: nil, endTime: nil, trailARN: nil,
                                     accountID: nil, regions: []),
               chains: chains, digests: digests, logFiles: logFiles, gaps: gaps,
               summary: summarize(digests: digests, logFiles: logFiles, gaps: gaps))
    }

    /// The summary a run would tally for these entries.
    static func summarize(digests: [Report.DigestEntry], logFiles: [Report.LogFileEntry], gaps: [Report.Gap]) -> Report.Summary {
        var digestCounts = Report.Counts(), logCounts = Report.Counts()
        digests.forEach { digestCounts.add($0.status) }
        logFiles.forEach { logCounts.add($0.status) }
        let allValid = digestCounts.total == digestCounts.valid && logCounts.total == logCounts.valid
        return Report.Summary(digests: digestCounts, logFiles: logCounts, gaps: gaps.count,
                              notes: logFiles.count { $0.note != nil }, warnings: 0, result: allValid ? .valid : .invalid,
                              exitCode: allValid ? 0 : 1)
    }

    /// One chain, newest digest first: d3 valid (l1 valid, l2 hash mismatch), d2 signature failed
    /// (l3 unverified), d1 unverified (l4 valid, stored uncompressed), and a gap below d1.
    static let mixed: Report = report(
        chains: [chain()],
        digests: [
            digest(3, .valid),
            digest(2, .invalid, .signatureFailed, "signature verification failed"),
            digest(1, .unverified, .signatureUnavailable, "no signature metadata"),
        ],
        logFiles: [
            log(1, digest: 3, .valid),
            log(2, digest: 3, .invalid, .hashMismatch, "hash value doesn't match"),
            log(3, digest: 2, .unverified, .digestInvalid, "listed only by an invalid digest"),
            log(4, digest: 1, .valid, note: .storedUncompressed, "stored already decompressed"),
        ],
        gaps: [Report.Gap(chain: chainID, start: "2025-02-28T20:00:00Z", end: "2025-03-01T00:00:00Z",
                          olderDigest: digestURI(0), newerDigest: digestURI(1))])

    static let header = "Validating log files for trail \(arn) between 2025-03-01T00:00:00Z and 2025-03-01T04:00:00Z\n\n"

    static func out(_ text: String) -> Report.TextWrite { .init(stream: .standardOutput, text: text) }
    static func err(_ text: String) -> Report.TextWrite { .init(stream: .standardError, text: text) }

    // MARK: Text

    @Test("without verbose: problems only, on standard error, each followed by a blank line; then the summary")
    func textWithoutVerbose() {
        let writes = Self.mixed.textWrites(verbose: false)
        #expect(writes == [
            Self.out(Self.header),
            Self.err("Log file\t\(Self.logURI(2))\tINVALID: hash value doesn't match\n\n"),
            Self.err("Digest file\t\(Self.digestURI(2))\tINVALID: signature verification failed\n\n"),
            Self.err("Log file\t\(Self.logURI(3))\tUNVERIFIED: listed only by an invalid digest\n\n"),
            Self.err("Digest file\t\(Self.digestURI(1))\tUNVERIFIED: no signature metadata\n\n"),
            Self.err("No log files were delivered by CloudTrail between 2025-02-28T20:00:00Z and 2025-03-01T00:00:00Z\n\n"),
            Self.out("Results requested for 2025-03-01T00:00:00Z to 2025-03-01T04:00:00Z\n"),
            Self.out("Results found for 2025-03-01T01:00:00Z to 2025-03-01T03:00:00Z:\n"),
            Self.out("\n1/3 digest files valid, 1/3 digest files INVALID, 1/3 digest files UNVERIFIED"),
            Self.out("\n2/4 log files valid, 1/4 log files INVALID, 1/4 log files UNVERIFIED"),
            Self.out("\n1 of the valid log files were stored already decompressed (see the JSON report)"),
            Self.out("\n"),
        ])
    }

    @Test("with verbose: valid lines on standard output, and a problem after one gets a blank line before it")
    func textWithVerbose() {
        let writes = Self.mixed.textWrites(verbose: true)
        #expect(writes == [
            Self.out(Self.header),
            Self.out("Digest file\t\(Self.digestURI(3))\tvalid\n"),
            Self.out("Log file\t\(Self.logURI(1))\tvalid\n"),
            Self.err("\nLog file\t\(Self.logURI(2))\tINVALID: hash value doesn't match\n\n"),
            Self.err("Digest file\t\(Self.digestURI(2))\tINVALID: signature verification failed\n\n"),
            Self.err("Log file\t\(Self.logURI(3))\tUNVERIFIED: listed only by an invalid digest\n\n"),
            Self.err("Digest file\t\(Self.digestURI(1))\tUNVERIFIED: no signature metadata\n\n"),
            Self.out("Log file\t\(Self.logURI(4))\tvalid\n"),
            Self.err("\nNo log files were delivered by CloudTrail between 2025-02-28T20:00:00Z and 2025-03-01T00:00:00Z\n\n"),
            Self.out("Results requested for 2025-03-01T00:00:00Z to 2025-03-01T04:00:00Z\n"),
            Self.out("Results found for 2025-03-01T01:00:00Z to 2025-03-01T03:00:00Z:\n"),
            Self.out("\n1/3 digest files valid, 1/3 digest files INVALID, 1/3 digest files UNVERIFIED"),
            Self.out("\n2/4 log files valid, 1/4 log files INVALID, 1/4 log files UNVERIFIED"),
            Self.out("\n1 of the valid log files were stored already decompressed (see the JSON report)"),
            Self.out("\n"),
        ])
    }

    @Test("an all-valid chain writes nothing to standard error, and with verbose a blank line precedes the summary")
    func allValid() {
        let report = Self.report(chains: [Self.chain()], digests: [Self.digest(2, .valid), Self.digest(1, .valid)],
                                 logFiles: [Self.log(1, digest: 2, .valid), Self.log(2, digest: 1, .valid)])
        let quiet = report.textWrites(verbose: false)
        #expect(quiet.allSatisfy { $0.stream == .standardOutput })
        #expect(quiet.map(\.text).joined() == Self.header
            + "Results requested for 2025-03-01T00:00:00Z to 2025-03-01T04:00:00Z\n"
            + "Results found for 2025-03-01T01:00:00Z to 2025-03-01T03:00:00Z:\n"
            + "\n2/2 digest files valid\n2/2 log files valid\n")
        let verbose = report.textWrites(verbose: true).map(\.text).joined()
        #expect(verbose == Self.header
            + "Digest file\t\(Self.digestURI(2))\tvalid\n"
            + "Log file\t\(Self.logURI(1))\tvalid\n"
            + "Digest file\t\(Self.digestURI(1))\tvalid\n"
            + "Log file\t\(Self.logURI(2))\tvalid\n"
            + "\nResults requested for 2025-03-01T00:00:00Z to 2025-03-01T04:00:00Z\n"
            + "Results found for 2025-03-01T01:00:00Z to 2025-03-01T03:00:00Z:\n"
            + "\n2/2 digest files valid\n2/2 log files valid\n")
    }

    @Test("missing files count as INVALID and print as INVALID like the CLI")
    func missingCountsAsInvalid() {
        let report = Self.report(chains: [Self.chain()], digests: [Self.digest(2, .valid), Self.digest(1, .missing, .notFound, "not found")],
                                 logFiles: [Self.log(1, digest: 2, .missing, .notFound, "not found")])
        let text = report.textWrites(verbose: false)
        #expect(text.contains(Self.err("Digest file\t\(Self.digestURI(1))\tINVALID: not found\n\n")))
        #expect(text.contains(Self.err("Log file\t\(Self.logURI(1))\tINVALID: not found\n\n")))
        #expect(text.contains(Self.out("\n1/2 digest files valid, 1/2 digest files INVALID")))
        #expect(text.contains(Self.out("\n0/1 log files valid, 1/1 log files INVALID")))
    }

    @Test("a chain with no valid digest says so, and a backfill chain uses backfill names")
    func noValidDigestsAndBackfill() {
        let chain = Self.chain(backfill: true, found: false)
        let report = Self.report(chains: [chain],
                                 digests: [Self.digest(1, .invalid, .signatureFailed, "signature verification failed", chain: chain.id)],
                                 logFiles: [])
        let writes = report.textWrites(verbose: false)
        #expect(writes.contains(Self.err("(backfill) Digest file\t\(Self.digestURI(1))\tINVALID: signature verification failed\n\n")))
        #expect(writes.contains(Self.out("No valid digests found in range\n")))
        #expect(writes.contains(Self.out("\n0/1 backfill digest files valid, 1/1 backfill digest files INVALID")))
        // No log files: no log ratio line at all.
        #expect(!writes.map(\.text).joined().contains("log files valid"))
    }

    @Test("a problem without a message still prints INVALID or UNVERIFIED with a default")
    func defaultMessages() {
        let report = Self.report(chains: [Self.chain()], digests: [Self.digest(2, .invalid), Self.digest(1, .unverified)], logFiles: [])
        let text = report.textWrites(verbose: false).map(\.text).joined()
        #expect(text.contains("\(Self.digestURI(2))\tINVALID: "))
        #expect(text.contains("\(Self.digestURI(1))\tUNVERIFIED: "))
    }

    @Test("several chains each get a header and a summary, in order")
    func severalChains() {
        var second = Self.chain()
        second.id = "AWSLogs/111122223333/CloudTrail-Digest/eu-west-1#management-events"
        second.region = "eu-west-1"
        let report = Self.report(chains: [Self.chain(), second],
                                 digests: [Self.digest(1, .valid), Self.digest(2, .valid, chain: second.id)],
                                 logFiles: [])
        let text = report.textWrites(verbose: false).map(\.text).joined()
        #expect(text.components(separatedBy: "Validating log files for trail").count == 3)
        #expect(text.components(separatedBy: "Results requested for").count == 3)
        #expect(text.components(separatedBy: "\n1/1 digest files valid").count == 3)
    }

    // MARK: JSON

    @Test("JSON encodes and decodes back to an equal report")
    func jsonRoundTrip() throws {
        let data = try Self.mixed.jsonData()
        let decoded = try JSONDecoder().decode(Report.self, from: data)
        #expect(decoded == Self.mixed)
        #expect(try decoded.jsonData() == data)
    }

    @Test("JSON has summary counts with totals, reason codes and no escaped slashes")
    func jsonShape() throws {
        let data = try Self.mixed.jsonData()
        let object = try TestSupport.jsonObject([UInt8](data))
        let summary = try #require(object["summary"] as? [String: Any])
        let digests = try #require(summary["digests"] as? [String: Any])
        #expect(digests["total"] as? Int == 3)
        #expect(digests["valid"] as? Int == 1)
        #expect(digests["invalid"] as? Int == 1)
        #expect(digests["unverified"] as? Int == 1)
        #expect((summary["logFiles"] as? [String: Any])?["total"] as? Int == 4)
        #expect(summary["result"] as? String == "invalid")
        #expect(summary["exitCode"] as? Int == 1)
        #expect(summary["notes"] as? Int == 1)
        #expect(summary["gaps"] as? Int == 1)
        #expect(object["tool"] as? String == "cloudtrail-verify")
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"signature_failed\""))
        #expect(text.contains("\"stored_uncompressed\""))
        #expect(!text.contains("\\/"))
    }

    @Test("JSON starts with tool, version and schemaVersion, in the documented key order")
    func jsonHeaderAndKeyOrder() throws {
        let text = String(decoding: try Self.mixed.jsonData(), as: UTF8.self)
        #expect(text.hasPrefix("{\n  \"tool\" : \"cloudtrail-verify\",\n  \"version\" : \"\(BucketValidator.version)\",\n  \"schemaVersion\" : \(ValidationReport.currentSchemaVersion),\n"))
        let order = ["tool", "version", "schemaVersion", "digests", "logFiles", "objects", "gaps", "chains", "coverage",
                     "notices", "inputs", "summary"]
        let positions = order.map { key in text.range(of: "\n  \"\(key)\" : ")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil }, "every top-level key present")
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
    }

    @Test("Swift names (s3URI, trailARN, accountID, userARN) keep the documented JSON spellings")
    func jsonKeySpellings() throws {
        let text = String(decoding: try Self.mixed.jsonData(), as: UTF8.self)
        #expect(text.contains("\"s3Uri\"") && text.contains("\"trailArn\"") && text.contains("\"accountId\""))
        #expect(!text.contains("\"s3URI\""))
        #expect(!text.contains("\"trailARN\"") && !text.contains("\"accountID\"") && !text.contains("\"userARN\""))
        let decoded = try JSONDecoder().decode(Report.self, from: Data(text.utf8))
        #expect(decoded.schemaVersion == ValidationReport.currentSchemaVersion)
        #expect(decoded.version == BucketValidator.version)
    }

    @Test("a clean run's summary is valid with exit code 0; a tampered one is invalid with exit code 1")
    func summaryResult() async throws {
        let clean = try await Self.run("clean-multi-day")
        #expect(clean.summary.result == .valid)
        #expect(clean.summary.exitCode == 0)
        #expect(clean.isValid)
        #expect(clean.summary.digests.total == 30)
        let tampered = try await Self.run("tampered-log")
        #expect(tampered.summary.result == .invalid)
        #expect(tampered.summary.exitCode == 1)
        #expect(tampered.summary.logFiles.invalid == 1)
        #expect(Self.mixed.isValid == false)
    }

    // MARK: From real runs

    static func run(_ vector: String) async throws -> Report {
        let options = ValidationOptions(root: TestSupport.vector(vector) + "/bucket",
                                        publicKeys: [PublicKeySource(path: TestSupport.vector(vector) + "/keys")])
        return try await BucketValidator(options: options).run()
    }

    @Test("the ratio lines of a real run match its summary counts", arguments: [
        "clean-multi-day", "tampered-log", "no-metadata", "deleted-log", "modified-digest",
    ])
    func ratioLinesMatchSummary(vector: String) async throws {
        let report = try await Self.run(vector)
        let writes = report.textWrites(verbose: false)
        let text = writes.filter { $0.stream == .standardOutput }.map(\.text).joined()
        let d = report.summary.digests, l = report.summary.logFiles
        var digestLine = "\(d.valid)/\(d.total) digest files valid"
        if d.invalid + d.missing > 0 { digestLine += ", \(d.invalid + d.missing)/\(d.total) digest files INVALID" }
        if d.unverified > 0 { digestLine += ", \(d.unverified)/\(d.total) digest files UNVERIFIED" }
        var logLine = "\(l.valid)/\(l.total) log files valid"
        if l.invalid + l.missing > 0 { logLine += ", \(l.invalid + l.missing)/\(l.total) log files INVALID" }
        if l.unverified > 0 { logLine += ", \(l.unverified)/\(l.total) log files UNVERIFIED" }
        #expect(text.contains("\n" + digestLine + "\n"), "\(text)")
        #expect(text.contains("\n" + logLine + "\n"), "\(text)")
        // Every problem is on standard error, one per write, followed by a blank line.
        let problems = writes.filter { $0.stream == .standardError }
        #expect(problems.count == report.digests.count { $0.status != .valid } + report.logFiles.count { $0.status != .valid }
            + report.gaps.count)
        #expect(problems.allSatisfy { $0.text.hasSuffix("\n\n") })
        // Verbose adds exactly one standard-output line per valid file.
        let verboseLines = report.textWrites(verbose: true).filter {
            $0.stream == .standardOutput && $0.text.hasSuffix("\tvalid\n")
        }
        #expect(verboseLines.count == report.digests.count { $0.status == .valid } + report.logFiles.count { $0.status == .valid })
    }

    @Test("a run whose newest digest lost its metadata counts it UNVERIFIED")
    func unverifiedCount() async throws {
        let report = try await Self.run("no-metadata")
        #expect(report.summary.digests.unverified >= 1)
        let text = report.textWrites(verbose: false).map(\.text).joined()
        #expect(text.contains("digest files UNVERIFIED"))
        #expect(text.contains("\tUNVERIFIED: "))
    }

    @Test("a real run's report survives a JSON round trip")
    func realRunRoundTrip() async throws {
        let report = try await Self.run("tampered-log")
        let decoded = try JSONDecoder().decode(Report.self, from: try report.jsonData())
        #expect(decoded == report)
        let object = try TestSupport.jsonObject([UInt8](try report.jsonData()))
        #expect(((object["summary"] as? [String: Any])?["digests"] as? [String: Any])?["total"] as? Int == report.digests.count)
    }
}
