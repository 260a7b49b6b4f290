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
        """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json, html
    }

    @Argument(help: "The local copy of the bucket.")
    var root: String

    @Option(name: .customLong("public-keys"),
            help: ArgumentHelp("Public keys: the JSON of 'aws cloudtrail list-public-keys', DER or PEM; a file or folder. Repeatable.",
                               discussion: "A file named <region>.json (or a folder <region>/) binds its keys to that region; REGION=PATH says so explicitly.",
                               valueName: "[region=]path"))
    var publicKeys: [String] = []

    @Option(name: [.customLong("bucket"), .customLong("s3-bucket")],
            help: "The bucket's name (default: the name the digests give, when they agree).")
    var bucket: String?

    @Option(name: .customLong("s3-prefix"), help: "Only digests under this key prefix (default: every prefix found).")
    var s3Prefix: String?

    @Option(name: .customLong("bucket-root"),
            help: ArgumentHelp("Where the copy of another bucket that digests name lives. Repeatable.", valueName: "name=dir"))
    var bucketRoots: [String] = []

    @Option(name: .customLong("trail-arn"), help: "Only this trail's chains.")
    var trailARN: String?

    @Option(name: .customLong("account-id"), help: "Only this account's chains (the member account for an organization trail).")
    var accountID: String?

    @Option(name: .customLong("region"), help: "Only chains delivered by this region. Repeatable.")
    var regions: [String] = []

    @Option(name: .customLong("start-time"),
            help: "Validate logs delivered on or after this UTC time (e.g. 2025-03-01T00:00:00Z). Default: the oldest digest.")
    var startTime: String?

    @Option(name: .customLong("end-time"),
            help: "Validate logs delivered on or before this UTC time. Digests up to an hour later are read. Default: the newest digest.")
    var endTime: String?

    @Flag(name: .long, help: "Print a line for every valid digest and log file too, as 'aws cloudtrail validate-logs --verbose' does.")
    var verbose = false

    @Option(name: .customLong("trail"),
            help: ArgumentHelp("What 'aws cloudtrail describe-trails' (or get-trail) printed: validate these trails, in their bucket and prefix. Repeatable.",
                               valueName: "file"))
    var trailFiles: [String] = []

    @Option(name: .customLong("trail-status"),
            help: ArgumentHelp("What 'aws cloudtrail get-trail-status' printed: digests delivered after the newest one on disk are reported missing.",
                               valueName: "file"))
    var trailStatus: String?

    @Option(name: .customLong("expect-digests-through"),
            help: "Digests must reach this UTC time; any hour after the newest digest on disk is reported missing.")
    var expectDigestsThrough: String?

    @Option(name: .long,
            help: ArgumentHelp("Compare with, then update, this record of each chain's newest verified digest (written atomically).",
                               valueName: "file"))
    var checkpoint: String?

    @Flag(name: .long, help: "With --checkpoint: verify only digests newer than the checkpointed one.")
    var incremental = false

    @Flag(name: .long, help: "Also fail (exit 1) on log files delivered during a gap and on unexplained gaps.")
    var strict = false

    @Flag(name: .customLong("no-gap-explanations"), help: "Do not search the logs around each gap for the events that explain it.")
    var noGapExplanations = false

    @Flag(name: .customLong("no-coverage"), help: "Do not look for log files that no digest lists.")
    var noCoverage = false

    @Flag(name: .customLong("no-read-ahead"), help: "Do not ask the kernel for log files before they are hashed.")
    var noReadAhead = false

    @Option(name: .long, help: "text (the AWS CLI's lines), json (the report) or html (the auditor's page).")
    var format: OutputFormat = .text

    @Option(name: .customLong("json-output"),
            help: ArgumentHelp("With --format html: also write the JSON report of the same run to this file (the page shows its SHA-256).",
                               valueName: "file"))
    var jsonOutput: String?

    @Option(name: .long, help: "Write the report to this file instead of standard output.")
    var output: String?

    @Option(name: .long, help: "How many log files to read at once (default: the number of cores).")
    var jobs: Int?

    @Flag(name: .long, help: "No progress line on standard error (it is shown only on a terminal anyway).")
    var quiet = false

    func run() async throws {
        var options = try makeOptions()
        let display = ProgressDisplay.forStandardError(enabled: !quiet)
        if let display {
            options.progress = { @Sendable progress in display.show(progress) }
        }
        defer { display?.clear() }
        if jsonOutput != nil && format != .html {
            throw CloudTrailVerifyError(.invalidArgument, "only with --format html", path: "--json-output")
        }
        let destination = try OutputDestination(path: output)
        let jsonDestination = try jsonOutput.map { path throws(CloudTrailVerifyError) in try OutputDestination(path: path) }
        var writer: any ValidationReportWriter
        switch format {
        case .json:
            writer = try ValidationJSONWriter { destination.write($0, stream: .standardOutput) }
        case .html:
            writer = try ValidationHTMLWriter(
                output: { destination.write($0, stream: .standardOutput) },
                jsonOutput: jsonDestination.map { json in { json.write($0, stream: .standardOutput) } })
        case .text:
            writer = ValidationTextWriter(verbose: verbose) { write in
                display?.clear()
                destination.write(Data(write.text.utf8), stream: write.stream)
            }
        }
        let result = try await BucketValidator(options: options).run { writer.take($0) }
        try writer.finish(inputs: result.inputs, summary: result.summary)
        let summary = result.summary
        try jsonDestination?.commit()
        try destination.commit()
        if summary.exitCode != 0 { throw ExitCode(Int32(summary.exitCode)) }
    }

    func makeOptions() throws(CloudTrailVerifyError) -> ValidationOptions {
        var roots: [String: String] = [:]
        for argument in bucketRoots {
            guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex,
                  argument.index(after: equals) != argument.endIndex else {
                throw CloudTrailVerifyError(.invalidArgument, "expected NAME=DIR", path: "--bucket-root", found: argument)
            }
            roots[String(argument[..<equals])] = String(argument[argument.index(after: equals)...])
        }
        if let jobs, jobs < 1 {
            throw CloudTrailVerifyError(.invalidArgument, "must be at least 1", path: "--jobs", found: "\(jobs)")
        }
        var options = ValidationOptions(
            root: root, bucket: bucket, s3Prefix: s3Prefix, bucketRoots: roots,
            publicKeys: publicKeys.map(PublicKeySource.init(argument:)),
            window: TimeWindow(start: try Self.time(startTime, option: "--start-time"),
                               end: try Self.time(endTime, option: "--end-time")),
            trailARN: trailARN, accountID: accountID, regions: regions,
            concurrency: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        options.strict = strict
        options.checkCoverage = !noCoverage
        options.explainGaps = !noGapExplanations
        options.readAhead = !noReadAhead
        options.trailFiles = trailFiles
        options.trailStatusFile = trailStatus
        options.expectDigestsThrough = try Self.time(expectDigestsThrough, option: "--expect-digests-through")
        options.checkpointFile = checkpoint
        options.incremental = incremental
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
