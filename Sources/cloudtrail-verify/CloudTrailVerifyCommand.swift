import ArgumentParser
import CloudTrailVerify
import Foundation

/// `cloudtrail-verify`: validate a downloaded CloudTrail bucket offline.
///
/// Exit codes: 0 everything in range is valid, 1 something is invalid, missing or
/// unverified, 2 the validation could not run.
@main
struct CloudTrailVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cloudtrail-verify",
        abstract: "Prove, offline, that a downloaded copy of a CloudTrail bucket is complete and untouched.",
        discussion: "Exit status: 0 everything in range is valid, 1 something is invalid, missing or unverified, 2 could not run.",
        version: BucketValidator.version,
        subcommands: [Validate.self, SignaturesNeededCommand.self, MergeCommand.self, ShardOfCommand.self],
        defaultSubcommand: Validate.self
    )

    /// Runs the command with our exit codes: argument errors are "could not run" (2), not ArgumentParser's 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CloudTrailVerifyError {
            StandardStreams.error("cloudtrail-verify: error: \(error.commandLineDescription)\n")
            Foundation.exit(2)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                // --help and --version.
                StandardStreams.output(fullMessage(for: error) + "\n")
                Foundation.exit(0)
            }
            let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
            let first = CommandLine.arguments.dropFirst().first
            let subcommand = [SignaturesNeededCommand.configuration.commandName!, MergeCommand.configuration.commandName!,
                              ShardOfCommand.configuration.commandName!]
                .first { $0 == first } ?? "validate"
            StandardStreams.error("cloudtrail-verify: \(message) (see 'cloudtrail-verify \(subcommand) --help')\n")
            Foundation.exit(2)
        }
    }
}
