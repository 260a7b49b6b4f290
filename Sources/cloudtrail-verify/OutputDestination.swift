import CloudTrailVerify
import Foundation

/// Where the report goes: the terminal's two streams, or one file given by `--output`.
///
/// A regular file is written under a temporary name beside it and renamed into place at
/// the end, so a crash or an error never leaves half a report where the report should be.
/// Anything else that exists already (`/dev/null`, a pipe, a terminal) is written to
/// directly: renaming over it would replace a device with a regular file. `-` means
/// standard output, as if `--output` were not given.
///
/// Writes go through `write(2)`, not `FileHandle`, so a failure (a full disk, a closed
/// pipe) is kept with the system's reason and reported by ``commit()`` instead of trapping.
final class OutputDestination {
    private let finalPath: String?
    /// What `--output` said, for messages; `nil` for the standard streams.
    private let givenPath: String?
    /// `nil` once renamed into place: nothing is left to clean up.
    private var temporaryPath: String?
    /// The file or device written to; `nil` for the standard streams.
    private let descriptor: Int32?
    /// The first write that failed, with the system's reason; later writes are dropped.
    private var failure: String?

    init(path: String?) throws(CloudTrailVerifyError) {
        givenPath = path == "-" ? nil : path
        guard let path, path != "-" else {
            finalPath = nil
            temporaryPath = nil
            descriptor = nil
            return
        }
        var existing = stat()
        if stat(path, &existing) == 0, (existing.st_mode & S_IFMT) != S_IFREG {
            guard (existing.st_mode & S_IFMT) != S_IFDIR else {
                throw CloudTrailVerifyError(.outputFailed, "cannot write the report there: it is a folder", path: path,
                                            expected: "a file, a device or a pipe")
            }
            let handle = open(path, O_WRONLY | O_CLOEXEC)
            guard handle >= 0 else {
                throw CloudTrailVerifyError(.outputFailed, "cannot write the report there: \(Self.reason())", path: path)
            }
            finalPath = nil
            temporaryPath = nil
            descriptor = handle
            return
        }
        let temporary = Self.temporaryName(for: path)
        let handle = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard handle >= 0 else {
            throw CloudTrailVerifyError(.outputFailed, "cannot write the report: \(Self.reason())", path: path)
        }
        finalPath = path
        temporaryPath = temporary
        descriptor = handle
    }

    deinit {
        // Not committed: an error stopped the run; leave nothing behind (a renamed file is gone from here already).
        if let descriptor { close(descriptor) }
        if let temporaryPath { unlink(temporaryPath) }
    }

    /// The text of `errno`, as the system says it.
    static func reason() -> String { String(cString: strerror(errno)) }

    func write(_ data: Data, stream: ValidationReport.TextWrite.Stream) {
        let target: Int32
        if let descriptor {
            target = descriptor
        } else {
            switch stream {
            case .standardOutput: target = STDOUT_FILENO
            case .standardError: target = STDERR_FILENO
            }
        }
        guard failure == nil || target == STDERR_FILENO else { return }
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(target, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    // Standard error is where failures are told; one that cannot be written there is not the report's.
                    if target != STDERR_FILENO { failure = Self.reason() }
                    return
                }
                offset += written
            }
        }
    }

    /// `.NAME.partial-PID` beside the target: hidden, and named for the run that owns it.
    static func temporaryName(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)").path
    }

    /// Moves a finished file into place, or says why the report could not be written.
    func commit() throws(CloudTrailVerifyError) {
        let shownPath = givenPath ?? "standard output"
        if let failure {
            throw CloudTrailVerifyError(.outputFailed, "cannot write the report: \(failure)", path: shownPath)
        }
        guard let descriptor, let temporaryPath, let finalPath else { return }
        if fsync(descriptor) != 0 {
            throw CloudTrailVerifyError(.outputFailed, "cannot finish writing the report: \(Self.reason())", path: finalPath)
        }
        if rename(temporaryPath, finalPath) != 0 {
            throw CloudTrailVerifyError(.outputFailed, "cannot move the report into place: \(Self.reason())", path: finalPath)
        }
        self.temporaryPath = nil
    }
}
