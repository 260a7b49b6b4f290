import Foundation
import Testing

/// Folders are held open so that files in them are opened by name (`DirectoryHandle`): never so many that the
/// hashing runs out of descriptors, whatever the process's open-file limit.
@Suite("Open-file limits")
struct OpenFileLimitTests {
    /// Runs the binary under `ulimit -n limit` (through the shell, which sets it for the child it execs).
    static func run(limit: Int, _ arguments: [String]) throws -> Binary.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -n \(limit) && exec \"$0\" \"$@\"", Binary.path] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Binary.Result(status: process.terminationStatus, standardOutput: String(decoding: data, as: UTF8.self),
                             standardError: "")
    }

    @Test("under a low open-file limit the report is the same as without one",
          arguments: ["clean-multi-day", "path-escape-log", "tampered-log", "multi-region"])
    func lowLimitSameReport(_ name: String) throws {
        let vector = Binary.vectors.appendingPathComponent(name).path
        let arguments = ["validate", vector + "/bucket", "--public-keys", vector + "/keys", "--jobs", "2"]
        let free = try Binary.run(arguments)
        for limit in [48, 100, 400] {
            let limited = try Self.run(limit: limit, arguments)
            #expect(limited.status == free.status, "ulimit -n \(limit)")
            #expect(limited.standardOutput == free.standardOutput, "ulimit -n \(limit)")
        }
    }
}
