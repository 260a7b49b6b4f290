import CloudTrailVerify
import Foundation

/// Where the report goes: the terminal's two streams, or one file given by `--output`.
///
/// A regular file is written under a temporary name beside it and renamed into place at
/// the end, so a crash or an error never leaves half a report where the report should be.
/// Anything else that exists already (`/dev/null`, a pipe, a terminal) is written to
/// directly: renaming over it would replace a device with a regular file.
final class OutputDestination {
    private let finalPath: String?
    private let temporaryPath: String?
    private let file: FileHandle?

    init(path: String?) throws(CloudTrailVerifyError) {
        guard let path else {
            finalPath = nil
            temporaryPath = nil
            file = nil
            return
        }
        var existing = stat()
        if stat(path, &existing) == 0, (existing.st_mode & S_IFMT) != S_IFREG {
            guard (existing.st_mode & S_IFMT) != S_IFDIR, let handle = FileHandle(forWritingAtPath: path) else {
                throw CloudTrailVerifyError(.outputFailed, "cannot write the report there", path: path,
                                            expected: "a file, a device or a pipe")
            }
            finalPath = nil
            temporaryPath = nil
            file = handle
            return
        }
        let temporary = Self.temporaryName(for: path)
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary) else {
            throw CloudTrailVerifyError(.outputFailed, "cannot write the report", path: path)
        }
        finalPath = path
        temporaryPath = temporary
        file = handle
    }

    deinit {
        // Not committed: an error stopped the run; leave nothing behind (a renamed file is gone from here already).
        try? file?.close()
        if let temporaryPath {
            try? FileManager.default.removeItem(atPath: temporaryPath)
        }
    }

    func write(_ data: Data, stream: ValidationReport.TextWrite.Stream) {
        if let file {
            file.write(data)
        } else {
            switch stream {
            case .standardOutput: FileHandle.standardOutput.write(data)
            case .standardError: FileHandle.standardError.write(data)
            }
        }
    }

    /// `.NAME.partial-PID` beside the target: hidden, and named for the run that owns it.
    static func temporaryName(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)").path
    }

    /// Moves a finished file into place.
    func commit() throws(CloudTrailVerifyError) {
        guard let file, let temporaryPath, let finalPath else {
            try? file?.synchronize()
            return
        }
        do {
            try file.synchronize()
            try file.close()
            if rename(temporaryPath, finalPath) != 0 {
                throw CloudTrailVerifyError(.outputFailed, "cannot move the report into place: \(String(cString: strerror(errno)))",
                                            path: finalPath)
            }
        } catch let error as CloudTrailVerifyError {
            throw error
        } catch {
            throw CloudTrailVerifyError(.outputFailed, "cannot finish writing the report: \(error)", path: finalPath)
        }
    }
}
