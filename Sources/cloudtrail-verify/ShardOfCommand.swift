import ArgumentParser
import CloudTrailVerify
import Foundation

/// `cloudtrail-verify shard-of --shard K/N [FOLDER…]`: which log folders a shard validates, for a per-shard download.
struct ShardOfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shard-of",
        abstract: "Print the log folders that belong to shard K of N (from the arguments, or one per line on standard input).",
        discussion: """
        A log folder is an object key prefix [prefix/]AWSLogs/[o-org/]ACCOUNT/CloudTrail/REGION (a trailing slash is \
        ignored). 'validate --shard K/N' validates the chains and log files of exactly these folders, so a shard's \
        machine needs only them (and the digests: see deploy/README.md). --shard auto reads the batch engine's \
        environment as validate does.

        Exit status: 0 the folders were printed (there may be none); 2 a bad --shard.
        """
    )

    @Option(name: .long, help: ArgumentHelp("K/N, auto/N or auto, as for validate.", valueName: "k/n"))
    var shard: String

    @Argument(help: ArgumentHelp("Log folders (default: read from standard input).", valueName: "folder"))
    var folders: [String] = []

    func run() throws {
        let shard = try Shard(argument: shard, environment: ProcessInfo.processInfo.environment)
        func place(_ line: Substring) {
            let folder = line.hasSuffix("/") ? line.dropLast() : line
            guard !folder.isEmpty else { return }
            if Shard.index(ofLogFolder: String(folder), count: shard.count) == shard.index {
                StandardStreams.output(String(line) + "\n")
            }
        }
        if !folders.isEmpty {
            folders.forEach { place(Substring($0)) }
            return
        }
        while let line = readLine(strippingNewline: true) { place(Substring(line)) }
    }
}
