import ArgumentParser

/// The options of `validate`, in the groups `--help` shows them in (the README's tables).
extension Validate {
    /// What to validate: which chains, which keys, which time.
    struct Scope: ParsableArguments {
        @Option(name: [.customShort("k"), .customLong("public-keys")],
                help: ArgumentHelp("Public keys: the JSON of 'aws cloudtrail list-public-keys', DER or PEM; a file or folder. Required, repeatable.",
                                   discussion: "A file named <region>.json (or a folder <region>/) binds its keys to that region; REGION=PATH says so explicitly.",
                                   valueName: "[region=]path"),
                completion: .file())
        var publicKeys: [String] = []

        @Option(name: [.customLong("bucket"), .customLong("s3-bucket")],
                help: ArgumentHelp("The bucket's name (default: the name the digests give, when they agree).", valueName: "name"))
        var bucket: String?

        @Option(name: .customLong("s3-prefix"),
                help: ArgumentHelp("Only digests under this key prefix (default: every prefix found).", valueName: "prefix"))
        var s3Prefix: String?

        @Option(name: .customLong("bucket-root"),
                help: ArgumentHelp("Where the copy of another bucket that digests name lives. Repeatable.", valueName: "name=dir"))
        var bucketRoots: [String] = []

        @Option(name: .customLong("trail-arn"), help: ArgumentHelp("Only this trail's chains.", valueName: "arn"))
        var trailARN: String?

        @Option(name: .customLong("trail"),
                help: ArgumentHelp("What 'aws cloudtrail describe-trails' (or get-trail) printed: validate these trails, in their bucket and prefix. Repeatable.",
                                   valueName: "file"),
                completion: .file(extensions: ["json"]))
        var trailFiles: [String] = []

        @Option(name: .customLong("account-id"),
                help: ArgumentHelp("Only this account's chains (the member account for an organization trail).", valueName: "id"))
        var accountID: String?

        @Option(name: .customLong("region"), help: ArgumentHelp("Only chains delivered by this region. Repeatable.", valueName: "region"))
        var regions: [String] = []

        @Option(name: .customLong("start-time"),
                help: ArgumentHelp("Validate logs delivered on or after this UTC time (e.g. 2025-03-01T00:00:00Z). Default: the oldest digest.",
                                   valueName: "time"))
        var startTime: String?

        @Option(name: .customLong("end-time"),
                help: ArgumentHelp("Validate logs delivered on or before this UTC time. Digests up to an hour later are read. Default: the newest digest.",
                                   valueName: "time"))
        var endTime: String?

        @Flag(name: .customLong("is-organization-trail"),
              help: "Accepted for 'aws cloudtrail validate-logs' users; not needed: organization trails are recognised by their o-ID folder.")
        var isOrganizationTrail = false

        init() {}
    }

    /// What to expect, and what to remember between runs.
    struct Expectations: ParsableArguments {
        @Option(name: .customLong("trail-status"),
                help: ArgumentHelp("What 'aws cloudtrail get-trail-status' printed: digests delivered after the newest one on disk are reported missing.",
                                   valueName: "file"),
                completion: .file(extensions: ["json"]))
        var trailStatus: String?

        @Option(name: .customLong("expect-digests-through"),
                help: ArgumentHelp("Digests must reach this UTC time; any hour after the newest digest on disk is reported missing.",
                                   valueName: "time"))
        var expectDigestsThrough: String?

        @Option(name: .long,
                help: ArgumentHelp("Compare with, then update, this record of each chain's newest verified digest (written atomically).",
                                   valueName: "file"),
                completion: .file(extensions: ["json"]))
        var checkpoint: String?

        @Flag(name: .long, help: "With --checkpoint: verify only digests newer than the checkpointed one.")
        var incremental = false

        init() {}
    }

    /// How strict, and how much work.
    struct Strictness: ParsableArguments {
        @Flag(name: .long, help: "Also fail (exit 1) on log files delivered during a gap and on unexplained gaps.")
        var strict = false

        @Flag(name: .customLong("no-coverage"), help: "Do not look for log files that no digest lists.")
        var noCoverage = false

        @Flag(name: .customLong("no-gap-explanations"), help: "Do not search the logs around each gap for the events that explain it.")
        var noGapExplanations = false

        @Option(name: [.customShort("j"), .long],
                help: ArgumentHelp("How many log files to read at once (default: the number of cores).", valueName: "n"))
        var jobs: Int?

        @Flag(name: .customLong("no-read-ahead"), help: "Do not ask the kernel for log files before they are hashed.")
        var noReadAhead = false

        @Option(name: .long,
                help: ArgumentHelp("Validate only share K of N (from 0 to N-1): the chains and log folders of the account and region folders that hash to it. 'auto' or 'auto/N' takes K (and N) from the batch engine's environment (Slurm, Kubernetes Indexed Job, AWS Batch). Combine the shards' JSON reports with 'cloudtrail-verify merge'.",
                                   valueName: "k/n"))
        var shard: String?

        init() {}
    }

    /// Output.
    struct Output: ParsableArguments {
        @Flag(name: [.customShort("v"), .long],
              help: "Print a line for every valid digest and log file too, as 'aws cloudtrail validate-logs --verbose' does.")
        var verbose = false

        @Option(name: .long, help: ArgumentHelp("text (the AWS CLI's lines), json (the report) or html (the auditor's page).",
                                                valueName: "format"))
        var format: OutputFormat = .text

        @Option(name: .customLong("json-output"),
                help: ArgumentHelp("With --format html: also write the JSON report of the same run to this file (the page shows its SHA-256).",
                                   valueName: "file"),
                completion: .file())
        var jsonOutput: String?

        @Option(name: [.customShort("o"), .long],
                help: ArgumentHelp("Write the report to this file instead of standard output ('-': standard output).", valueName: "file"),
                completion: .file())
        var output: String?

        @Flag(name: [.customShort("q"), .long], help: "No progress line on standard error (it is shown only on a terminal anyway).")
        var quiet = false

        init() {}
    }
}
