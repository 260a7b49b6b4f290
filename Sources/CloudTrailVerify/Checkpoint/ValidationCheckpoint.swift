import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The last digest each chain was validated up to, kept between runs.
///
/// The AWS CLI validates a time range and forgets it; with a checkpoint a later run
/// can check that the chain still reaches the digest a previous run accepted, byte
/// for byte, so history rewritten between runs is found. The file is JSON, written
/// atomically (see ``write(to:)``) so a crash never leaves a half-written checkpoint.
struct ValidationCheckpoint: Sendable, Codable, Equatable {
    /// What a run recorded about the newest digest it accepted in one chain.
    struct Entry: Sendable, Codable, Equatable {
        /// `s3://bucket/key` of the digest.
        var digestS3Uri: String
        /// The digest's `digestEndTime`, ISO-8601 in UTC.
        var digestEndTime: String
        /// Hex SHA-256 of the digest's uncompressed JSON (what the chain hashes; gzip framing may differ between copies).
        var digestSHA256: String
        /// Hex SHA-256 of the digest's signature, when it had one.
        var signatureSHA256: String?
        /// When the run recorded this entry, ISO-8601 in UTC.
        var recordedAt: String

        init(digestS3Uri: String, digestEndTime: String, digestSHA256: String,
                    signatureSHA256: String?, recordedAt: String) {
            self.digestS3Uri = digestS3Uri
            self.digestEndTime = digestEndTime
            self.digestSHA256 = digestSHA256
            self.signatureSHA256 = signatureSHA256
            self.recordedAt = recordedAt
        }
    }

    /// The format this code writes and the only one it reads.
    static let currentVersion = 1
    /// Checkpoint files larger than this are refused before parsing.
    static let maximumFileSize = 64 * 1024 * 1024

    /// The file format's version: ``currentVersion``.
    var version: Int
    /// Chain id → the newest digest accepted in that chain.
    var chains: [String: Entry]

    init(version: Int = ValidationCheckpoint.currentVersion, chains: [String: Entry] = [:]) {
        self.version = version
        self.chains = chains
    }

    // MARK: Reading

    /// Reads the checkpoint at `path`; `nil` when no file is there (the first run).
    ///
    /// A file that exists but is unreadable or malformed is an error, never `nil`:
    /// silently starting over would discard exactly what the checkpoint protects.
    /// Leftover temporary files from an interrupted ``write(to:)`` are never read.
    static func load(path: String) throws(CloudTrailVerifyError) -> ValidationCheckpoint? {
        var info = stat()
        if lstat(path, &info) != 0 {
            let reason = errno
            if reason == ENOENT { return nil }
            throw CloudTrailVerifyError(.unreadableInput, "cannot read checkpoint (\(describe(reason)))", path: path)
        }
        var isDirectory: ObjCBool = false
        // lstat found an entry; fileExists follows links, so a dangling link fails here.
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CloudTrailVerifyError(.unreadableInput, "checkpoint is a symbolic link that leads to nothing", path: path)
        }
        guard !isDirectory.boolValue else {
            throw CloudTrailVerifyError(.unreadableInput, "checkpoint is a folder", path: path)
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? Int, let data = FileManager.default.contents(atPath: path) else {
            throw CloudTrailVerifyError(.unreadableInput, "cannot read checkpoint", path: path)
        }
        guard size <= maximumFileSize, data.count <= maximumFileSize else {
            throw CloudTrailVerifyError(.malformedCheckpoint, "checkpoint is too large", path: path,
                                        expected: "at most \(maximumFileSize) bytes", found: "\(max(size, data.count)) bytes")
        }
        return try parse([UInt8](data), path: path)
    }

    /// Parses checkpoint bytes; `path` names the file in errors.
    static func parse(_ bytes: [UInt8], path: String) throws(CloudTrailVerifyError) -> ValidationCheckpoint {
        func malformed(_ message: String, expected: String? = nil, found: String? = nil) -> CloudTrailVerifyError {
            CloudTrailVerifyError(.malformedCheckpoint, message, path: path, expected: expected, found: found)
        }
        let document: StrictJSON.Value
        do {
            document = try StrictJSON.parse(bytes)
        } catch {
            throw malformed("checkpoint is not valid JSON (\(error))")
        }
        guard document.members != nil else { throw malformed("checkpoint is not a JSON object") }
        guard case .number(let versionText)? = document["version"], let version = Int(versionText) else {
            throw malformed("checkpoint has no whole-number version", expected: "\"version\": \(currentVersion)")
        }
        guard version == currentVersion else {
            throw malformed(version > currentVersion ? "checkpoint was written by a newer cloudtrail-verify"
                                                     : "checkpoint version is not known",
                            expected: "version \(currentVersion)", found: "version \(version)")
        }
        guard case .object(let members)? = document["chains"] else {
            throw malformed("checkpoint has no chains object")
        }
        var chains: [String: Entry] = [:]
        for (chainID, value) in members {
            func field(_ key: String) throws(CloudTrailVerifyError) -> String {
                guard case .string(let text)? = value[key] else {
                    throw malformed("chain \"\(chainID)\": \(key) is missing or not a string")
                }
                return text
            }
            guard value.members != nil else { throw malformed("chain \"\(chainID)\" is not an object") }
            let signature: String?
            switch value["signatureSHA256"] {
            case nil, .null?: signature = nil
            case .string(let text)?: signature = text
            default: throw malformed("chain \"\(chainID)\": signatureSHA256 is not a string")
            }
            chains[chainID] = Entry(digestS3Uri: try field("digestS3Uri"), digestEndTime: try field("digestEndTime"),
                                    digestSHA256: try field("digestSHA256"), signatureSHA256: signature,
                                    recordedAt: try field("recordedAt"))
        }
        let checkpoint = ValidationCheckpoint(version: version, chains: chains)
        if let problem = checkpoint.problem {
            throw malformed(problem.message, expected: problem.expected, found: problem.found)
        }
        return checkpoint
    }

    /// The first value no run could have written, if any: ``load(path:)`` refuses it
    /// and ``write(to:)`` will not write it, so what is written can always be read back.
    var problem: (message: String, expected: String, found: String)? {
        guard version == Self.currentVersion else {
            return ("unsupported checkpoint version", "\(Self.currentVersion)", "\(version)")
        }
        func isSHA256Hex(_ text: String) -> Bool {
            text.utf8.count == 64 && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }
        }
        for chainID in chains.keys.sorted() {
            let entry = chains[chainID]!
            let place = "chain \"\(chainID)\""
            if chainID.isEmpty { return ("a chain id is empty", "a non-empty chain id", "\"\"") }
            if !entry.digestS3Uri.hasPrefix("s3://") || entry.digestS3Uri.count <= "s3://".count {
                return ("\(place): digestS3Uri is not an S3 URI", "s3://bucket/key", entry.digestS3Uri)
            }
            if CloudTrailTime.parse(entry.digestEndTime) == nil {
                return ("\(place): digestEndTime is not a time", "an ISO-8601 time", entry.digestEndTime)
            }
            if !isSHA256Hex(entry.digestSHA256) {
                return ("\(place): digestSHA256 is not a SHA-256", "64 hex digits", entry.digestSHA256)
            }
            if let signature = entry.signatureSHA256, !isSHA256Hex(signature) {
                return ("\(place): signatureSHA256 is not a SHA-256", "64 hex digits", signature)
            }
            if CloudTrailTime.parse(entry.recordedAt) == nil {
                return ("\(place): recordedAt is not a time", "an ISO-8601 time", entry.recordedAt)
            }
        }
        return nil
    }

    // MARK: Writing

    /// Writes the checkpoint to `path`, replacing any file there, atomically.
    ///
    /// The bytes go to a new temporary file in the same folder (`.<name>.tmp-…`), which is
    /// flushed to disk, renamed over `path`, and then the folder itself is flushed so the
    /// rename survives a power cut. At every moment `path` holds either the old checkpoint
    /// or the new one, never a mix; on failure the old one is untouched and the temporary
    /// file removed. A crash can leave a temporary file behind; it is never read.
    func write(to path: String) throws(CloudTrailVerifyError) {
        try write(to: path, failingAt: nil)
    }

    /// Where a simulated failure strikes, for tests: the crash-safety promise cannot be
    /// tested with permissions when the tests run as root.
    enum WriteStep: Sendable, CaseIterable {
        /// Creating the temporary file.
        case create
        /// Half-way through writing it (a full disk).
        case write
        /// Flushing it to disk.
        case sync
        /// Renaming it over the target.
        case rename
    }

    func write(to path: String, failingAt fault: WriteStep?) throws(CloudTrailVerifyError) {
        func failed(_ message: String, _ reason: Int32) -> CloudTrailVerifyError {
            CloudTrailVerifyError(.outputFailed, "\(message) (\(Self.describe(reason)))", path: path)
        }
        if let problem {
            throw CloudTrailVerifyError(.outputFailed, "checkpoint not written: \(problem.message)", path: path,
                                        expected: problem.expected, found: problem.found)
        }
        let bytes: [UInt8]
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            bytes = [UInt8](try encoder.encode(self)) + [0x0a]
        } catch {
            throw CloudTrailVerifyError(.outputFailed, "cannot encode checkpoint (\(error))", path: path)
        }

        // Renaming over a device or a pipe would replace it with a regular file (think /dev/null):
        // a checkpoint lives in a regular file, or nowhere.
        var target = stat()
        if lstat(path, &target) == 0, (target.st_mode & S_IFMT) != S_IFREG {
            throw CloudTrailVerifyError(.outputFailed, "checkpoint path is not a regular file", path: path,
                                        expected: "a regular file, or nothing yet")
        }
        let folder = Self.folder(of: path)
        let name = (path as NSString).lastPathComponent
        let temporary = folder + "/." + name + ".tmp-\(getpid())-" + String(UUID().uuidString.prefix(8))
        /// Runs one system call, or fails it with `simulated` when the test asked for that step to fail.
        func step(_ which: WriteStep, simulating simulated: Int32, _ call: () -> Int32) -> Int32 {
            if fault == which { errno = simulated; return -1 }
            return call()
        }

        // 1. A new file no one else can be writing to (O_EXCL).
        let descriptor = step(.create, simulating: EACCES) { open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
        guard descriptor >= 0 else { throw failed("cannot create a temporary file next to the checkpoint", errno) }
        var descriptorOpen = true
        var renamed = false
        defer {
            if descriptorOpen { close(descriptor) }
            if !renamed { unlink(temporary) }
        }
        // Keep the old checkpoint's permissions: someone who restricted it meant the replacement too.
        var existing = stat()
        if stat(path, &existing) == 0 && fchmod(descriptor, existing.st_mode & 0o7777) != 0 {
            throw failed("cannot give the new checkpoint the old one's permissions", errno)
        }

        // 2. All the bytes, then 3. flushed: renaming before the data is on disk could leave an empty file after a crash.
        let reason: Int32
        if fault == .write {
            // A disk that fills up half-way.
            _ = writeAll(descriptor, bytes[..<(bytes.count / 2)])
            reason = ENOSPC
        } else {
            reason = writeAll(descriptor, bytes[...])
        }
        guard reason == 0 else { throw failed("cannot write the checkpoint", reason) }
        guard step(.sync, simulating: EIO, { fsync(descriptor) }) == 0 else {
            throw failed("cannot flush the checkpoint to disk", errno)
        }
        descriptorOpen = false
        guard close(descriptor) == 0 else { throw failed("cannot close the checkpoint", errno) }

        // 4. The atomic step: the name now points at the complete new file.
        guard step(.rename, simulating: EXDEV, { rename(temporary, path) }) == 0 else {
            throw failed("cannot replace the checkpoint", errno)
        }
        renamed = true

        // 5. Make the rename itself durable.
        let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folderDescriptor >= 0 else { throw failed("checkpoint replaced, but its folder cannot be opened to flush it", errno) }
        defer { close(folderDescriptor) }
        // Some file systems cannot flush a folder; there the rename is as durable as they make it.
        if fsync(folderDescriptor) != 0 && errno != EINVAL && errno != ENOTSUP {
            throw failed("checkpoint replaced, but its folder cannot be flushed to disk", errno)
        }
    }

    /// The folder holding `path`: `.` for a bare name.
    static func folder(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    static func describe(_ reason: Int32) -> String {
        String(cString: strerror(reason))
    }
}

/// Writes all of `bytes`, retrying short writes and interruptions; the errno of a failure, or 0.
/// At file scope so `write` means the system call, not ``ValidationCheckpoint/write(to:)``.
private func writeAll(_ descriptor: Int32, _ bytes: ArraySlice<UInt8>) -> Int32 {
    bytes.withUnsafeBytes { buffer -> Int32 in
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return 0
    }
}
