import Foundation
import Synchronization

/// Checks log files against the hashes their digests list: gunzip while hashing,
/// in constant memory, several files at once.
struct LogFileVerifier: Sendable {
    /// The verdict for one log file.
    struct Verdict: Sendable, Hashable {
        var status: VerdictStatus
        var reason: LogFileReason?
        var note: LogFileNote?
        var message: String?
    }

    let roots: BucketRoots
    /// How many files are read at once.
    let concurrency: Int

    init(roots: BucketRoots, concurrency: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.roots = roots
        self.concurrency = max(1, concurrency)
    }

    /// Judges one log file on its own.
    func verify(location: S3Location, expectedSHA256 hex: String) -> Verdict {
        Self.verify(location: location, expected: Hex.lowercased(hex), roots: roots, hasher: LogFileHasher())
    }

    /// Judges many log files, `concurrency` at a time; results come back in input order.
    func verify(_ checks: [(location: S3Location, expectedSHA256: String)]) async -> [Verdict] {
        if checks.isEmpty { return [] }
        let queue = WorkQueue()
        let roots = self.roots
        let checks = checks.map { LogCheck(location: $0.location, expected: Hex.lowercased($0.expectedSHA256)) }
        return await withTaskGroup(of: [(Int, Verdict)].self) { group in
            for _ in 0..<min(concurrency, checks.count) {
                group.addTask {
                    // One hasher (buffers, zlib and SHA-256 contexts) per worker, reused for every file it takes.
                    let hasher = LogFileHasher()
                    var done: [(Int, Verdict)] = []
                    while let index = queue.take(below: checks.count) {
                        let check = checks[index]
                        done.append((index, Self.verify(location: check.location, expected: check.expected,
                                                        roots: roots, hasher: hasher)))
                    }
                    return done
                }
            }
            var results = [Verdict?](repeating: nil, count: checks.count)
            for await batch in group {
                for (index, verdict) in batch { results[index] = verdict }
            }
            return results.map { $0! }
        }
    }

    /// Reusable hashers (buffers, zlib and SHA-256 contexts) for tasks that come and go.
    final class HasherPool: Sendable {
        private let idle = Mutex<[LogFileHasherBox]>([])

        func withHasher<T>(_ body: (LogFileHasher) -> T) -> T {
            let box = idle.withLock { $0.popLast() } ?? LogFileHasherBox()
            defer { idle.withLock { $0.append(box) } }
            return body(box.hasher)
        }
    }

    /// Moves a hasher between tasks; only one task holds it at a time (the pool hands it out).
    final class LogFileHasherBox: @unchecked Sendable {
        let hasher = LogFileHasher()
    }

    private struct LogCheck: Sendable {
        var location: S3Location
        var expected: String
    }

    /// Hands out job indices to workers; larger files simply keep one worker busy longer.
    private final class WorkQueue: Sendable {
        private let next = Atomic<Int>(0)

        func take(below count: Int) -> Int? {
            let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
            return index < count ? index : nil
        }
    }

    static func verify(location: S3Location, expected: String, roots: BucketRoots, hasher: LogFileHasher) -> Verdict {
        func unresolvable(_ why: BucketRoots.Unresolvable) -> Verdict {
            switch why {
            case .unknownBucket(let name):
                return Verdict(status: .missing, reason: .notFound,
                               message: "not found: no local copy of bucket \(name) was given")
            case .unsafeKey(_, let why):
                return Verdict(status: .invalid, reason: .unsafePath, message: "unsafe path, not opened: \(why)")
            }
        }
        let outcome: LogFileDigestOutcome
        switch roots.place(for: location) {
        case .failure(let why):
            return unresolvable(why)
        case .success(let place):
            // Opened by name in its (resolved, held open) folder: one lookup, not one per path component.
            if let folder = place.folder, folder.handle.descriptor >= 0,
               let found = hasher.digest(named: place.name, in: folder.handle) {
                outcome = found
            } else {
                // No folder (the file is not there), or the name is a link: resolve and check it in full.
                switch roots.path(for: location) {
                case .failure(let why): return unresolvable(why)
                case .success(let path): outcome = hasher.digest(path: path)
                }
            }
        }
        switch outcome {
        case .notFound:
            return Verdict(status: .missing, reason: .notFound, message: "not found")
        case .unreadable(let why):
            return Verdict(status: .invalid, reason: .invalidFormat, message: "invalid format: cannot read: \(why)")
        case .corrupt(let why):
            return Verdict(status: .invalid, reason: .invalidFormat, message: "invalid format: \(why)")
        case .truncated:
            return Verdict(status: .invalid, reason: .invalidFormat, message: "invalid format: gzip stream ends early")
        case .gzipWithTrailingData:
            return Verdict(status: .invalid, reason: .trailingData, message: "unexpected data after end of compressed stream")
        case .gzip(let sha256):
            let found = sha256.hexString
            if found == expected { return Verdict(status: .valid) }
            return Verdict(status: .invalid, reason: .hashMismatch,
                           message: "hash value doesn't match (expected \(expected), found \(found))")
        case .notGzip(let sha256, let isEmpty):
            if !isEmpty && sha256.hexString == expected {
                return Verdict(status: .valid, note: .storedUncompressed,
                               message: "stored already decompressed; its bytes hash to the digest's value")
            }
            return Verdict(status: .invalid, reason: .invalidFormat,
                           message: isEmpty ? "invalid format: empty file" : "invalid format: not a gzip file, and its bytes do not hash to the digest's value")
        }
    }
}
