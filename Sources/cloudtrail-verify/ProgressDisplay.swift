import CloudTrailVerify
import Foundation

/// One self-overwriting progress line on standard error, only when it is a terminal,
/// so pipes, files and CI logs never see it.
final class ProgressDisplay: @unchecked Sendable {
    // The run calls `show` from one task at a time; the lock covers `clear` from the writer.
    private let lock = NSLock()
    private var visible = false

    static func forStandardError(enabled: Bool) -> ProgressDisplay? {
        guard enabled, isatty(STDERR_FILENO) == 1 else { return nil }
        return ProgressDisplay()
    }

    func show(_ progress: ValidationProgress) {
        let eta = progress.estimatedRemaining.map { Self.duration($0) } ?? "--:--"
        let line = String(format: "digests %d/%d, log files %d, %@ read, %.0f MB/s, ETA %@",
                          progress.digestsDone, progress.digestsTotal, progress.logFilesDone,
                          Self.bytes(progress.bytesRead), progress.megabytesPerSecond, eta)
        lock.withLock {
            FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
            visible = true
        }
    }

    /// Removes the line before anything else is printed.
    func clear() {
        lock.withLock {
            guard visible else { return }
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            visible = false
        }
    }

    static func bytes(_ count: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000, unit < units.count - 1 { value /= 1000; unit += 1 }
        return String(format: unit == 0 ? "%.0f %@" : "%.1f %@", value, units[unit])
    }

    static func duration(_ seconds: TimeInterval) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600 ? String(format: "%d:%02d:%02d", total / 3600, total % 3600 / 60, total % 60)
                             : String(format: "%d:%02d", total / 60, total % 60)
    }
}
