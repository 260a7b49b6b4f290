import Foundation

/// Writes the JSON report while events stream in, in bounded memory.
///
/// Digests are written as they arrive; log-file entries go to a spool file in the
/// temporary folder (never under ROOT) and are copied in after the digests, so the
/// report keeps its two arrays however many log files there are. Gaps and chains are
/// few and are kept until the end. The schema is `docs/report.md`'s.
public final class ValidationJSONWriter {
    private let output: (Data) -> Void
    private let encoder: JSONEncoder
    private let spool: SpillFile
    /// Why writing to the spool failed; the report cannot be finished then.
    private var spoolProblem: String?
    private var digestCount = 0
    private var logCount = 0
    private var gaps: [ValidationReport.Gap] = []
    private var chains: [ValidationReport.Chain] = []
    private var coverage: [ValidationReport.Coverage] = []
    private var objects: [ValidationReport.ObjectEntry] = []
    private var notices: [String] = []
    private var finished = false

    /// - Parameter output: receives the report's bytes in order.
    public init(output: @escaping (Data) -> Void) throws(CloudTrailVerifyError) {
        self.output = output
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            // Unlinked as soon as it is created: nothing is left behind on a crash.
            spool = try SpillFile()
        } catch {
            throw CloudTrailVerifyError(.outputFailed, "cannot create a spool file for the report (\(error.message))",
                                        path: FileManager.default.temporaryDirectory.path)
        }
        output(Data("{\n  \"tool\" : \"cloudtrail-verify\",\n  \"version\" : \"\(BucketValidator.version)\",\n  \"schemaVersion\" : \(ValidationReport.currentSchemaVersion),\n  \"digests\" : [".utf8))
    }

    private func encode<T: Encodable>(_ value: T) -> Data {
        // Encoding our own plain structs cannot fail.
        (try? encoder.encode(value)) ?? Data("null".utf8)
    }

    /// Writes `event` to the report: a digest at once, a log file to the spool, the rest kept for the end.
    public func take(_ event: ValidationEvent) {
        switch event {
        case .chainStarted: break
        case .digest(let entry):
            output(Data((digestCount == 0 ? "\n    " : ",\n    ").utf8) + encode(entry))
            digestCount += 1
        case .logFile(let entry):
            let bytes = Data((logCount == 0 ? "\n    " : ",\n    ").utf8) + encode(entry)
            bytes.withUnsafeBytes { buffer in
                do throws(SpillFile.Failure) { try spool.append(buffer) } catch { spoolProblem = spoolProblem ?? error.message }
            }
            logCount += 1
        case .gap(let gap): gaps.append(gap)
        case .chainFinished(let chain): chains.append(chain)
        case .coverage(let scope): coverage.append(scope)
        case .object(let entry): objects.append(entry)
        case .notice(let text): notices.append(text)
        }
    }

    /// Writes the rest of the report.
    public func finish(inputs: ValidationReport.Inputs, summary: ValidationReport.Summary) throws(CloudTrailVerifyError) {
        guard !finished else { return }
        finished = true
        output(Data((digestCount == 0 ? "],\n  \"logFiles\" : [" : "\n  ],\n  \"logFiles\" : [").utf8))
        if let spoolProblem {
            throw CloudTrailVerifyError(.outputFailed, "cannot write the report's spool file: \(spoolProblem)")
        }
        var offset: Int64 = 0
        while offset < spool.size {
            var chunk = Data(count: Int(min(spool.size - offset, 1 << 20)))
            var problem: SpillFile.Failure?
            chunk.withUnsafeMutableBytes { buffer in
                do throws(SpillFile.Failure) { try spool.read(at: offset, into: buffer) } catch { problem = error }
            }
            if let problem {
                throw CloudTrailVerifyError(.outputFailed, "cannot read back the report's spool file: \(problem.message)")
            }
            output(chunk)
            offset += Int64(chunk.count)
        }
        func list<T: Encodable>(_ items: [T]) -> Data {
            if items.isEmpty { return Data("[]".utf8) }
            return Data("[\n    ".utf8) + items.map(encode).joined(separator: Data(",\n    ".utf8)) + Data("\n  ]".utf8)
        }
        var tail = Data((logCount == 0 ? "],\n" : "\n  ],\n").utf8)
        tail += Data("  \"objects\" : ".utf8) + list(objects) + Data(",\n".utf8)
        tail += Data("  \"gaps\" : ".utf8) + list(gaps) + Data(",\n".utf8)
        tail += Data("  \"chains\" : ".utf8) + list(chains) + Data(",\n".utf8)
        tail += Data("  \"coverage\" : ".utf8) + list(coverage) + Data(",\n".utf8)
        tail += Data("  \"notices\" : ".utf8) + list(notices) + Data(",\n".utf8)
        tail += Data("  \"inputs\" : ".utf8) + encode(inputs) + Data(",\n".utf8)
        tail += Data("  \"summary\" : ".utf8) + encode(summary) + Data("\n}\n".utf8)
        output(tail)
    }
}
