import ArgumentParser
import CloudTrailVerify
import Foundation

/// `cloudtrail-verify signatures-needed ROOT`: which digests need their own S3 metadata.
///
/// `scripts/fetch-bucket.sh` calls `aws s3api head-object` only for these: about one per
/// chain and per gap, instead of one per digest.
struct SignaturesNeededCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signatures-needed",
        abstract: "List the digests whose signature only their own S3 metadata can give (one object key per line).",
        discussion: """
        A digest needs its own metadata (aws s3api head-object) unless it already has it \
        (extended attribute user.signature or a <digest>.metadata.json sidecar) or a digest \
        on disk links to it with a previousDigestSignature. That leaves the newest digest of \
        each chain, the last one before each gap, every backfill digest (its key is chosen by \
        its backfill-generation-timestamp metadata), and, to be safe, digests that cannot be \
        read and symbolic links. Keys are printed as they are below ROOT, in chain order. \
        Nothing under ROOT is written.

        Exit status: 0 the list was printed (it may be empty); 2 it could not be made.
        """
    )

    @Argument(help: ArgumentHelp("The local copy of the bucket.", valueName: "root"), completion: .directory)
    var root: String

    @Option(name: [.customLong("bucket"), .customLong("s3-bucket")],
            help: ArgumentHelp("The bucket a link must name (default: the one each digest names).", valueName: "name"))
    var bucket: String?

    @Option(name: .customLong("s3-prefix"),
            help: ArgumentHelp("Only digests under this key prefix (default: every prefix found).", valueName: "prefix"))
    var s3Prefix: String?

    @Option(name: .customLong("trail-arn"), help: ArgumentHelp("Only this trail's chains.", valueName: "arn"))
    var trailARN: String?

    @Option(name: .customLong("account-id"), help: ArgumentHelp("Only this account's chains.", valueName: "id"))
    var accountID: String?

    @Option(name: .customLong("region"), help: ArgumentHelp("Only chains delivered by this region. Repeatable.", valueName: "region"))
    var regions: [String] = []

    @Flag(name: [.customShort("0"), .customLong("null")],
          help: "End each key with a NUL byte instead of a newline (for xargs -0; any key can be printed).")
    var null = false

    @Flag(name: [.customShort("v"), .long], help: "Print the reason after each key, separated by a tab.")
    var verbose = false

    @Flag(name: [.customShort("q"), .long], help: "No summary line on standard error.")
    var quiet = false

    var options: ValidationOptions {
        ValidationOptions(root: root, bucket: bucket, s3Prefix: s3Prefix, trailARN: trailARN, accountID: accountID,
                          regions: regions)
    }

    func run() throws {
        let needed = try SignaturesNeeded.find(options: options)
        var text = ""
        for entry in needed.digests {
            // A newline inside a key would read as two keys: only --null can say such a key.
            if !null && entry.key.utf8.contains(0x0A) {
                throw CloudTrailVerifyError(.invalidArgument, "a digest key holds a newline; use --null to list it",
                                            path: entry.key)
            }
            text += entry.key
            if verbose { text += "\t\(entry.reason.rawValue): \(entry.detail)" }
            text += null ? "\0" : "\n"
        }
        let destination = try OutputDestination(path: nil)
        destination.write(Data(text.utf8), stream: .standardOutput)
        try destination.commit()
        if !quiet {
            StandardStreams.error("\(needed.digestCount) digest files: \(needed.withMetadata) have their own signature metadata, "
                + "\(needed.vouchedBySuccessor) are vouched for by the next digest, \(needed.digests.count) need their metadata\n")
        }
    }
}
