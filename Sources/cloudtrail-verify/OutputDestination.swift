import CloudTrailVerify
import Foundation

/// Where the report goes: the terminal's two streams, or one file given by `--output`.
///
/// A file is written under a temporary name beside it and renamed into place at the
/// end, so a crash or an error never leaves half a report behind.
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
        let temporary = path + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary) else {
            throw CloudTrailVerifyError(.outputFailed, "cannot write the report", path: path)
        }
        finalPath = path
        temporaryPath = temporary
        file = handle
    }

    deinit {
        // Not committed: an error stopped the run; leave nothing behind.
        if let temporaryPath, let file {
            try? file.close()
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

    /// Moves a finished file into place.
    func commit() throws(CloudTrailVerifyError) {
        guard let file, let temporaryPath, let finalPath else { return }
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
