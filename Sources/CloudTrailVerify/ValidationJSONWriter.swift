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
    private let spoolURL: URL
    private let spool: FileHandle
    private var digestCount = 0
    private var logCount = 0
    private var gaps: [ValidationReport.Gap] = []
    private var chains: [ValidationReport.Chain] = []
    private var coverage: [ValidationReport.Coverage] = []
    private var notices: [String] = []
    private var finished = false

    /// - Parameter output: receives the report's bytes in order.
    public init(output: @escaping (Data) -> Void) throws(CloudTrailVerifyError) {
        self.output = output
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        spoolURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("cloudtrail-verify-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).json")
        guard FileManager.default.createFile(atPath: spoolURL.path, contents: nil),
              let handle = try? FileHandle(forUpdating: spoolURL) else {
            throw CloudTrailVerifyError(.outputFailed, "cannot create a spool file for the report", path: spoolURL.path)
        }
        spool = handle
        // The file is only needed through the handle; unlinking now means nothing is left behind on a crash.
        try? FileManager.default.removeItem(at: spoolURL)
        output(Data("{\n  \"tool\" : \"cloudtrail-verify\",\n  \"version\" : \"\(CloudTrailVerifyVersion.current)\",\n  \"digests\" : [".utf8))
    }

    deinit {
        try? spool.close()
    }

    private func encode<T: Encodable>(_ value: T) -> Data {
        // Encoding our own plain structs cannot fail.
        (try? encoder.encode(value)) ?? Data("null".utf8)
    }

    public func take(_ event: ValidationEvent) {
        switch event {
        case .chainStarted: break
        case .digest(let entry):
            output(Data((digestCount == 0 ? "\n    " : ",\n    ").utf8) + encode(entry))
            digestCount += 1
        case .logFile(let entry):
            spool.write(Data((logCount == 0 ? "\n    " : ",\n    ").utf8) + encode(entry))
            logCount += 1
        case .gap(let gap): gaps.append(gap)
        case .chainFinished(let chain): chains.append(chain)
        case .coverage(let scope): coverage.append(scope)
        case .notice(let text): notices.append(text)
        }
    }

    /// Writes the rest of the report.
    public func finish(inputs: ValidationReport.Inputs, summary: ValidationReport.Summary) throws(CloudTrailVerifyError) {
        guard !finished else { return }
        finished = true
        output(Data((digestCount == 0 ? "],\n  \"logFiles\" : [" : "\n  ],\n  \"logFiles\" : [").utf8))
        do {
            try spool.seek(toOffset: 0)
            while let chunk = try spool.read(upToCount: 1 << 20), !chunk.isEmpty {
                output(chunk)
            }
        } catch {
            throw CloudTrailVerifyError(.outputFailed, "cannot read back the report's spool file: \(error)")
        }
        func list<T: Encodable>(_ items: [T]) -> Data {
            if items.isEmpty { return Data("[]".utf8) }
            return Data("[\n    ".utf8) + items.map(encode).joined(separator: Data(",\n    ".utf8)) + Data("\n  ]".utf8)
        }
        var tail = Data((logCount == 0 ? "],\n" : "\n  ],\n").utf8)
        tail += Data("  \"gaps\" : ".utf8) + list(gaps) + Data(",\n".utf8)
        tail += Data("  \"chains\" : ".utf8) + list(chains) + Data(",\n".utf8)
        tail += Data("  \"coverage\" : ".utf8) + list(coverage) + Data(",\n".utf8)
        tail += Data("  \"notices\" : ".utf8) + list(notices) + Data(",\n".utf8)
        tail += Data("  \"inputs\" : ".utf8) + encode(inputs) + Data(",\n".utf8)
        tail += Data("  \"summary\" : ".utf8) + encode(summary) + Data("\n}\n".utf8)
        output(tail)
    }
}
