import ArgumentParser
import CloudTrailVerify
import Foundation

/// `cloudtrail-verify merge REPORT.json…`: the shards' JSON reports combined into one run's report.
struct MergeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the JSON reports of 'validate --shard K/N' (every shard 0 to N-1, once) into the report of one run.",
        discussion: """
        The reports must come from the same inputs: bucket, --s3-prefix, --bucket-root buckets, time window, \
        filters (--trail-arn, --trail, --account-id, --region), public keys, settings (--strict, --no-coverage, \
        --no-gap-explanations, --incremental, the expected newest digest), shard count and tool version. \
        The merged report and exit status are those of one run over the whole bucket.

        Exit status: 0 everything in range is valid; 1 something is invalid, missing, unverified or \
        unreferenced; 2 the reports could not be merged (not the shards of one run, a shard missing or \
        given twice, an unreadable report).
        """
    )

    @Argument(help: ArgumentHelp("The shards' JSON reports (validate --shard K/N --format json).", valueName: "report.json"),
              completion: .file(extensions: ["json"]))
    var reports: [String] = []

    @Option(name: .long, help: ArgumentHelp("text (the AWS CLI's lines), json (the report) or html (the auditor's page).",
                                            valueName: "format"))
    var format: Validate.OutputFormat = .text

    @Flag(name: [.customShort("v"), .long], help: "With --format text: print a line for every valid digest and log file too.")
    var verbose = false

    @Option(name: [.customShort("o"), .long],
            help: ArgumentHelp("Write the report to this file instead of standard output ('-': standard output).", valueName: "file"),
            completion: .file())
    var output: String?

    func run() async throws {
        guard !reports.isEmpty else {
            throw CloudTrailVerifyError(.invalidArgument, "no report to merge", expected: "the JSON reports of shards 0 to N-1")
        }
        var decoded: [ValidationReport] = []
        for path in reports {
            decoded.append(try Self.load(path))
        }
        let merged = try ShardMerge.merge(decoded, names: reports)
        let destination = try OutputDestination(path: output)
        var writer: any ValidationReportWriter
        switch format {
        case .json:
            writer = try ValidationJSONWriter { destination.write($0, stream: .standardOutput) }
        case .html:
            writer = try ValidationHTMLWriter(output: { destination.write($0, stream: .standardOutput) }, jsonOutput: nil)
        case .text:
            writer = ValidationTextWriter(verbose: verbose) { write in
                destination.write(Data(write.text.utf8), stream: write.stream)
            }
        }
        // Replayed through the writers a run uses, so the merged report is written exactly as one run's.
        for event in merged.events { writer.take(event) }
        try writer.finish(inputs: merged.inputs, summary: merged.summary)
        try destination.commit()
        if merged.summary.result != .valid { throw ExitCode(1) }
    }

    static func load(_ path: String) throws(CloudTrailVerifyError) -> ValidationReport {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CloudTrailVerifyError(.unreadableInput, "cannot read the report (\(error.localizedDescription))", path: path)
        }
        do {
            return try JSONDecoder().decode(ValidationReport.self, from: data)
        } catch {
            throw CloudTrailVerifyError(.unreadableInput, "not a cloudtrail-verify JSON report (\(error))", path: path,
                                        expected: "the output of validate --shard K/N --format json")
        }
    }
}
