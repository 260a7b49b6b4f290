import CloudTrailVerify
import Foundation

/// `compliance-check ROOT KEYS [--strict]`: validates a bucket copy and prints one JSON line per finding
/// (a digest, log file or object that is not valid, and every gap), then one summary line.
///
/// Exits 0 when the copy is proven complete and untouched, 1 when it is not, 2 when it could not be checked:
/// the same contract as `cloudtrail-verify`, made here from `summary.result` and the thrown error.
@main
struct ComplianceCheck {
    /// One line of output. Only the fields a compliance system files a ticket with.
    struct Finding: Encodable {
        var kind: String
        var status: String
        var reason: String?
        var object: String
        var message: String?
    }

    static func main() async {
        let arguments = CommandLine.arguments.dropFirst().filter { $0 != "--strict" }
        guard arguments.count == 2 else {
            FileHandle.standardError.write(Data("usage: compliance-check ROOT KEYS [--strict]\n".utf8))
            exit(2)
        }
        var options = ValidationOptions(root: arguments[arguments.startIndex],
                                        publicKeys: [PublicKeySource(path: arguments[arguments.startIndex + 1])])
        options.strict = CommandLine.arguments.contains("--strict")

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func emit(_ finding: Finding) {
            // Encoding a struct of strings cannot fail.
            guard let line = try? encoder.encode(finding) else { return }
            FileHandle.standardOutput.write(line + Data("\n".utf8))
        }

        do {
            // Streamed: memory does not grow with the bucket, and each finding is printed as soon as it is known.
            let (_, summary) = try await BucketValidator(options: options).run { event in
                switch event {
                case .digest(let entry) where entry.status != .valid:
                    emit(Finding(kind: "digest", status: entry.status.rawValue, reason: entry.reason?.rawValue,
                                 object: entry.s3URI, message: entry.message))
                case .logFile(let entry) where entry.status != .valid:
                    emit(Finding(kind: "logFile", status: entry.status.rawValue, reason: entry.reason?.rawValue,
                                 object: entry.s3URI, message: entry.message))
                case .object(let entry):
                    emit(Finding(kind: "object", status: entry.status.rawValue, reason: entry.reason.rawValue,
                                 object: entry.s3URI, message: entry.message))
                case .gap(let gap):
                    emit(Finding(kind: "gap", status: gap.explained == false ? "unexplained" : "explained", reason: nil,
                                 object: gap.olderDigest, message: "no digests between \(gap.start) and \(gap.end)"))
                default:
                    break
                }
            }
            emit(Finding(kind: "summary", status: summary.result.rawValue, reason: nil, object: options.root,
                         message: "\(summary.digests.valid)/\(summary.digests.total) digests and "
                             + "\(summary.logFiles.valid)/\(summary.logFiles.total) log files valid"))
            exit(summary.result == .valid ? 0 : 1)
        } catch {
            // `error` is a CloudTrailVerifyError: run(_:) uses typed throws.
            FileHandle.standardError.write(Data("compliance-check: \(error.code): \(error)\n".utf8))
            exit(2)
        }
    }
}
