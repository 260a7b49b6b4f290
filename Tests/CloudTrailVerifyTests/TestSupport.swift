import Foundation
import Testing
@testable import CloudTrailVerify

/// Shared helpers for the unit tests: where the repository and its test vectors are,
/// temporary folders, running command-line tools, and small byte utilities.
enum TestSupport {
    // MARK: Locations

    /// The repository root, found from this file's path so tests run from any working directory.
    static let repositoryRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // CloudTrailVerifyTests
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()   // repository root
        .path

    /// `TestVectors/`.
    static let vectorsDirectory = repositoryRoot + "/TestVectors"

    /// `TestVectors/<name>`.
    static func vector(_ name: String) -> String { vectorsDirectory + "/" + name }

    /// `TestVectors/generator-keys/<name>.pem`: throw-away private keys.
    static func generatorKey(_ name: String) -> String { vectorsDirectory + "/generator-keys/\(name).pem" }

    /// `TestVectors/real-world/list-public-keys.json`: the real AWS key (CLI v1 epoch times).
    static let realWorldKeyFile = vectorsDirectory + "/real-world/list-public-keys.json"

    /// The clean vector's bucket, its key file, and the first two digests of its chain.
    enum Clean {
        static let bucketName = "aws-cloudtrail-logs-111122223333-3f8a2b1c"
        static let bucket = vector("clean-multi-day") + "/bucket"
        static let keyFile = vector("clean-multi-day") + "/keys/us-east-1.json"
        static let fingerprint = "5fb04c4ec40d26ebd5d669498eef2b08"
        static let privateKey = generatorKey("us-east-1-2025")
        static let digestFolder = "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/03/01"
        /// The chain's first digest: its `previous*` fields are null.
        static let firstDigestKey = digestFolder
            + "/111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_20250301T170941Z.json.gz"
        /// The digest after it, linking back to ``firstDigestKey``.
        static let secondDigestKey = digestFolder
            + "/111122223333_CloudTrail-Digest_us-east-1_management-events_us-east-1_20250301T180941Z.json.gz"
        static var firstDigestPath: String { bucket + "/" + firstDigestKey }
        static var secondDigestPath: String { bucket + "/" + secondDigestKey }
    }

    // MARK: Files

    static func bytes(atPath path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func write(_ bytes: some Sequence<UInt8>, to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func createDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A fresh, empty folder under the system's temporary directory.
    static func makeTemporaryDirectory(in base: String? = nil) throws -> String {
        let base = base ?? FileManager.default.temporaryDirectory.path
        let path = base + "/cloudtrail-verify-tests-" + UUID().uuidString
        try createDirectory(path)
        return path
    }

    /// Runs `body` with a fresh temporary folder, removed afterwards.
    static func withTemporaryDirectory<T>(in base: String? = nil, _ body: (String) throws -> T) throws -> T {
        let path = try makeTemporaryDirectory(in: base)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    /// Runs `body` with a fresh temporary folder, removed afterwards.
    static func withTemporaryDirectory<T>(in base: String? = nil, _ body: (String) async throws -> T) async throws -> T {
        let path = try makeTemporaryDirectory(in: base)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(path)
    }

    // MARK: Tools

    struct ToolResult {
        var status: Int32
        var standardOutput: [UInt8]
        var standardError: String
        var outputText: String { String(decoding: standardOutput, as: UTF8.self) }
    }

    struct ToolFailure: Error, CustomStringConvertible {
        var command: [String]
        var result: ToolResult
        var description: String { "\(command.joined(separator: " ")) exited \(result.status): \(result.standardError)" }
    }

    /// Runs a tool found on `PATH`, feeding `input` to its standard input.
    static func run(_ arguments: [String], input: [UInt8] = []) throws -> ToolResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Read both outputs while the tool runs so neither pipe fills up and blocks it.
        let group = DispatchGroup()
        nonisolated(unsafe) var output = Data()
        nonisolated(unsafe) var errors = Data()
        DispatchQueue.global().async(group: group) { output = stdout.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errors = stderr.fileHandleForReading.readDataToEndOfFile() }
        if !input.isEmpty { try stdin.fileHandleForWriting.write(contentsOf: Data(input)) }
        try stdin.fileHandleForWriting.close()
        group.wait()
        process.waitUntilExit()
        return ToolResult(status: process.terminationStatus, standardOutput: [UInt8](output),
                          standardError: String(decoding: errors, as: UTF8.self))
    }

    /// Runs a tool and returns its standard output; throws when it exits non-zero.
    @discardableResult
    static func runChecked(_ arguments: [String], input: [UInt8] = []) throws -> [UInt8] {
        let result = try run(arguments, input: input)
        guard result.status == 0 else { throw ToolFailure(command: arguments, result: result) }
        return result.standardOutput
    }

    /// Whether a tool can be run (`tool` with `probe` exits 0).
    static func hasTool(_ tool: String, probe: [String] = ["--version"]) -> Bool {
        (try? run([tool] + probe).status) == 0
    }

    static let hasOpenSSL = hasTool("openssl", probe: ["version"])
    static let hasPython3 = hasTool("python3")
    static let hasGzip = hasTool("gzip")

    // MARK: Compression and hashing (independent of the code under test)

    /// One gzip member holding `bytes`, made by the `gzip` tool.
    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        try runChecked(["gzip", "-c", "-n"], input: bytes)
    }

    /// Gunzips with the `gzip` tool.
    static func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        try runChecked(["gzip", "-d", "-c"], input: bytes)
    }

    /// Hex SHA-256 by the `openssl` tool.
    static func sha256Hex(_ bytes: [UInt8]) throws -> String {
        let output = try runChecked(["openssl", "dgst", "-sha256", "-r"], input: bytes)
        return String(String(decoding: output, as: UTF8.self).prefix(64))
    }

    /// Hex MD5 by the `openssl` tool.
    static func md5Hex(_ bytes: [UInt8]) throws -> String {
        let output = try runChecked(["openssl", "dgst", "-md5", "-r"], input: bytes)
        return String(String(decoding: output, as: UTF8.self).prefix(32))
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func unhex(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            out.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    /// Deterministic pseudo-random bytes (xorshift), so large inputs are reproducible.
    static func pseudoRandomBytes(count: Int, seed: UInt64 = 0x9e37_79b9_7f4a_7c15) -> [UInt8] {
        var state = seed
        var out = [UInt8]()
        out.reserveCapacity(count)
        while out.count < count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            withUnsafeBytes(of: state) { out.append(contentsOf: $0.prefix(count - out.count)) }
        }
        return out
    }

    // MARK: Log file samples

    /// Log files in every shape the hasher and verifier must tell apart, compressed by the `gzip` tool.
    struct LogSamples {
        /// What the log holds, uncompressed.
        let content: [UInt8]
        let contentSHA256: String
        /// One gzip member of ``content``.
        let gzip: [UInt8]

        init(content: [UInt8] = Array(#"{"Records":[{"eventVersion":"1.09","eventName":"ConsoleLogin","awsRegion":"us-east-1"}]}"#.utf8)) throws {
            self.content = content
            contentSHA256 = try TestSupport.sha256Hex(content)
            gzip = try TestSupport.gzip(content)
        }

        /// Two gzip members back to back (`cat a.gz b.gz`): gunzip would accept it, CloudTrail never writes it.
        func twoMembers() throws -> [UInt8] { gzip + (try TestSupport.gzip(Array("more".utf8))) }
        /// Junk after the end of the gzip member.
        var junkAfter: [UInt8] { gzip + Array("junk\n".utf8) }
        /// The CRC-32 in the gzip trailer with one bit flipped.
        var flippedCRC: [UInt8] { var bytes = gzip; bytes[bytes.count - 8] ^= 0x01; return bytes }
        /// The length (ISIZE) in the gzip trailer with one bit flipped.
        var flippedLength: [UInt8] { var bytes = gzip; bytes[bytes.count - 1] ^= 0x01; return bytes }
        /// The stream cut before its trailer ends.
        var truncated: [UInt8] { Array(gzip.dropLast(5)) }
        /// Only the 10-byte gzip header.
        var headerOnly: [UInt8] { Array(gzip.prefix(10)) }
    }

    // MARK: JSON

    static func jsonObject(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    static func jsonBytes(_ object: Any) throws -> [UInt8] {
        [UInt8](try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    // MARK: Extended attributes

    /// Sets a `user.` extended attribute with python3 (Glibc's Swift module has no `setxattr`).
    static func setExtendedAttribute(_ name: String, _ value: String, path: String) throws {
        try runChecked(["python3", "-c", "import os, sys; os.setxattr(sys.argv[1], sys.argv[2], sys.argv[3].encode())",
                        path, name, value])
    }

    /// A temporary folder (if any) whose file system keeps a `user.` attribute of `valueSize` bytes.
    static func folderAcceptingExtendedAttributes(valueSize: Int) -> String? {
        guard hasPython3 else { return nil }
        let candidates = [FileManager.default.temporaryDirectory.path, "/dev/shm"]
        for base in candidates {
            guard let folder = try? makeTemporaryDirectory(in: base) else { continue }
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let probe = folder + "/probe"
            guard (try? write("x", to: probe)) != nil else { continue }
            if (try? setExtendedAttribute("user.probe", String(repeating: "a", count: valueSize), path: probe)) != nil {
                return base
            }
        }
        return nil
    }

    /// Where small `user.` attributes can be set; `nil` when no temporary file system keeps them.
    static let extendedAttributeBase = folderAcceptingExtendedAttributes(valueSize: 512)
    /// Where attributes larger than the reader's first 4 KiB buffer can be set.
    static let largeExtendedAttributeBase = folderAcceptingExtendedAttributes(valueSize: 20_000)
}
