import Foundation
import Testing

/// Memory is bounded by bytes, not by the shape of the JSON: the binary's peak resident set stays under
/// 200 MB on inputs that inflate to tens of megabytes of the values that cost the most memory per byte.
@Suite("Memory bounds")
struct MemoryBoundTests {
    static let limitKilobytes = 200_000

    static let hasPython3 = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
        || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/python3")

    /// Runs python3 with `script` and `arguments`; returns its standard output, trimmed.
    static func python(_ script: String, _ arguments: [String], in directory: URL? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 failed")
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The binary's exit status and peak resident set in kilobytes, measured by a python3 parent whose only
    /// child it is (so nothing else the test process ran is counted).
    static func peakKilobytes(validating directory: URL) throws -> (status: Int, kilobytes: Int) {
        let script = """
            import resource, subprocess, sys
            status = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            print(status, peak // 1024 if sys.platform == 'darwin' else peak)
            """
        let words = try python(script, [Binary.path, "bucket", "--public-keys", "keys"], in: directory)
            .split(separator: " ").compactMap { Int($0) }
        try #require(words.count == 2)
        return (words[0], words[1])
    }

    @Test("the json-bomb vector is validated under 200 MB peak", .enabled(if: hasPython3))
    func jsonBombVector() throws {
        let (status, kilobytes) = try Self.peakKilobytes(validating: Binary.vectors.appendingPathComponent("json-bomb"))
        #expect(status == 1)
        #expect(kilobytes < Self.limitKilobytes, "peak RSS \(kilobytes) KB")
    }

    /// The shapes that cost the most per inflated byte: just under the value limit, each value a string as long
    /// as the size limit then allows (60 bytes in a digest, 480 in one record of a log around a gap).
    @Test("digests and gap logs of the costliest shapes stay under 200 MB peak", .enabled(if: hasPython3),
          .timeLimit(.minutes(2)))
    func costliestShapes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("memory-bound-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Binary.vectors.appendingPathComponent("json-bomb"), to: folder)
        let script = #"""
            import glob, gzip, os, sys
            digests = sorted(glob.glob('bucket/AWSLogs/*/CloudTrail-Digest/*/*/*/*/*.json.gz'))
            text = b'[' + b','.join([b'"' + b'a' * 60 + b'"'] * 499_000) + b']'
            with open(digests[0], 'wb') as f:
                f.write(gzip.compress(text, mtime=0))
            call = b'{"eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging"}'
            strings = b'[' + b','.join([b'"' + b'a' * 480 + b'"'] * 99_000) + b']'
            day = os.path.dirname(sorted(glob.glob('bucket/AWSLogs/*/CloudTrail/*/*/*/*/*.json.gz'))[-1])
            with open(os.path.join(day, '111122223333_CloudTrail_us-east-1_20250330T0600Z_strings000000000.json.gz'), 'wb') as f:
                f.write(gzip.compress(b'{"Records":[' + call + b',' + strings + b']}', mtime=0))
            print(len(text), len(strings))
            """#
        let sizes = try Self.python(script, [], in: folder).split(separator: " ").compactMap { Int($0) }
        // Tens of megabytes each, within the size limits (32 MiB for a digest, 48 MiB for a parsed log).
        #expect(sizes.count == 2 && sizes[0] > 30_000_000 && sizes[0] < 32 << 20 && sizes[1] > 45_000_000 && sizes[1] < 48 << 20)
        let (status, kilobytes) = try Self.peakKilobytes(validating: folder)
        #expect(status == 1)
        #expect(kilobytes < Self.limitKilobytes, "peak RSS \(kilobytes) KB")
    }
}
