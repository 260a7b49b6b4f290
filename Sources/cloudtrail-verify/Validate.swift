import ArgumentParser
import CloudTrailVerify
import Foundation

/// `cloudtrail-verify validate ROOT`: the main job.
struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate every digest chain and log file under a local copy of a CloudTrail bucket.",
        discussion: """
        ROOT mirrors the S3 bucket: object keys are paths below it \
        ([prefix/]AWSLogs/[o-org/]ACCOUNT/CloudTrail[-Digest]/REGION/YYYY/MM/DD/...). \
        Digest signatures are read from the extended attribute user.signature, from a \
        <digest>.metadata.json sidecar (aws s3api head-object output), or from the next \
        digest's previousDigestSignature. Nothing under ROOT is ever written.

        Exit status: 0 every digest and log file in range is valid; 1 something is invalid, \
        missing, unverified or unreferenced (with --strict, also a log delivered during a gap \
        or an unexplained gap); 2 the validation could not run (bad arguments or input files).
        """
    )
    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json, html
    }

    @Argument(help: ArgumentHelp("The local copy of the bucket.", valueName: "root"), completion: .directory)
    var root: String

    @OptionGroup(title: "What to validate")
    var scope: Scope

    @OptionGroup(title: "What to expect, and what to remember between runs")
    var expectations: Expectations

    @OptionGroup(title: "How strict, and how much work")
    var strictness: Strictness

    @OptionGroup(title: "Output")
    var report: Output

    /// Printed before the report when `--is-organization-trail` is given.
    static let organizationTrailNote = "Note: --is-organization-trail is not needed: organization trails are recognised by the o-ID folder in their keys and validated as such\n\n"

    func run() async throws {
        var options = try makeOptions()
        let display = ProgressDisplay.forStandardError(enabled: !report.quiet)
        if let display {
            options.progress = { @Sendable progress in display.show(progress) }
        }
        defer { display?.clear() }
        if scope.isOrganizationTrail { StandardStreams.error(Self.organizationTrailNote) }
        if report.jsonOutput != nil && report.format != .html {
            throw CloudTrailVerifyError(.invalidArgument, "only with --format html", path: "--json-output")
        }
        let destination = try OutputDestination(path: report.output)
        let jsonDestination = try report.jsonOutput.map { path throws(CloudTrailVerifyError) in try OutputDestination(path: path) }
        var writer: any ValidationReportWriter
        switch report.format {
        case .json:
            writer = try ValidationJSONWriter { destination.write($0, stream: .standardOutput) }
        case .html:
            writer = try ValidationHTMLWriter(
                output: { destination.write($0, stream: .standardOutput) },
                jsonOutput: jsonDestination.map { json in { json.write($0, stream: .standardOutput) } })
        case .text:
            writer = ValidationTextWriter(verbose: report.verbose) { write in
                display?.clear()
                destination.write(Data(write.text.utf8), stream: write.stream)
            }
        }
        let result = try await BucketValidator(options: options).run { writer.take($0) }
        try writer.finish(inputs: result.inputs, summary: result.summary)
        let summary = result.summary
        try jsonDestination?.commit()
        try destination.commit()
        // The library gives a verdict; the exit status is ours (`summary.exitCode` in the JSON says the same).
        if summary.result != .valid { throw ExitCode(1) }
    }

    func makeOptions() throws(CloudTrailVerifyError) -> ValidationOptions {
        var roots: [String: String] = [:]
        for argument in scope.bucketRoots {
            guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex,
                  argument.index(after: equals) != argument.endIndex else {
                throw CloudTrailVerifyError(.invalidArgument, "expected NAME=DIR", path: "--bucket-root", found: argument)
            }
            roots[String(argument[..<equals])] = String(argument[argument.index(after: equals)...])
        }
        if let jobs = strictness.jobs, jobs < 1 {
            throw CloudTrailVerifyError(.invalidArgument, "must be at least 1", path: "--jobs", found: "\(jobs)")
        }
        var options = ValidationOptions(
            root: root, bucket: scope.bucket, s3Prefix: scope.s3Prefix, bucketRoots: roots,
            publicKeys: scope.publicKeys.map(PublicKeySource.init(argument:)),
            window: TimeWindow(start: try Self.time(scope.startTime, option: "--start-time"),
                               end: try Self.time(scope.endTime, option: "--end-time")),
            trailARN: scope.trailARN, accountID: scope.accountID, regions: scope.regions,
            concurrency: strictness.jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        options.strict = strictness.strict
        options.checkCoverage = !strictness.noCoverage
        options.explainGaps = !strictness.noGapExplanations
        options.readAhead = !strictness.noReadAhead
        options.trailFiles = scope.trailFiles
        options.trailStatusFile = expectations.trailStatus
        options.expectDigestsThrough = try Self.time(expectations.expectDigestsThrough, option: "--expect-digests-through")
        options.checkpointFile = expectations.checkpoint
        options.incremental = expectations.incremental
        options.shard = try strictness.shard.map { (argument) throws(CloudTrailVerifyError) in
            try Shard(argument: argument, environment: ProcessInfo.processInfo.environment)
        }
        return options
    }

    static func time(_ text: String?, option: String) throws(CloudTrailVerifyError) -> Date? {
        guard let text else { return nil }
        guard let date = CloudTrailTime.parse(text) else {
            throw CloudTrailVerifyError(.invalidArgument, "not a time", path: option,
                                        expected: "UTC ISO-8601 such as 2025-03-01T00:00:00Z", found: text)
        }
        return date
    }
}
