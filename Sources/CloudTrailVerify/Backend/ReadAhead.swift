#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// Asks the kernel for files before they are hashed, so that many small reads are in
/// flight at once instead of one per hashing task.
///
/// A bucket copy larger than the page cache is read from disk, and a small log costs
/// an inode read and a data read of a few hundred microseconds each, during which
/// its hashing task waits. A few threads here open the files the walk will hash
/// next and call `posix_fadvise(WILLNEED)`, which starts the data read without
/// waiting for it; the hashing task later finds the pages in memory. Hints are only
/// hints: when the queue is full they are dropped, and nothing is ever read into
/// this process. Blocking threads of its own, not tasks, because a blocking `open`
/// must not hold one of the few threads Swift concurrency runs tasks on.
final class ReadAhead: Sendable {
    private final class Shared: Sendable {
        let queue = Mutex<(paths: [String], head: Int, stopped: Bool)>(([], 0, false))
        let available = DispatchSemaphore(value: 0)
        /// Hints taken and dealt with (for tests: a hint must never hang a reader).
        let handled = Atomic<Int>(0)
        let limit: Int
        init(limit: Int) { self.limit = limit }
    }

    private let shared: Shared
    private let threads: Int

    /// `threads` readers; at most `queued` paths wait for one.
    init(threads: Int = 8, queued: Int = 4096) {
        shared = Shared(limit: queued)
        self.threads = threads
        for _ in 0..<threads {
            let shared = self.shared
            let thread = Thread {
                while true {
                    shared.available.wait()
                    let next: String? = shared.queue.withLock { state in
                        guard !state.stopped, state.head < state.paths.count else { return nil }
                        let path = state.paths[state.head]
                        state.head += 1
                        // Drop what was taken once it is most of the buffer, so it does not grow.
                        if state.head >= 1024, state.head * 2 >= state.paths.count {
                            state.paths.removeFirst(state.head)
                            state.head = 0
                        }
                        return path
                    }
                    guard let path = next else {
                        if shared.queue.withLock({ $0.stopped }) { return }
                        continue
                    }
                    Self.prefetch(path)
                    shared.handled.add(1, ordering: .releasing)
                }
            }
            thread.name = "cloudtrail-verify read-ahead"
            thread.start()
        }
    }

    deinit {
        shared.queue.withLock { $0.stopped = true }
        for _ in 0..<threads { shared.available.signal() }
    }

    /// How many hints the readers have dealt with so far.
    var hintsHandled: Int { shared.handled.load(ordering: .acquiring) }

    /// Asks for `path` to be read soon. Never blocks; dropped (and `false`) when the queue is full.
    @discardableResult
    func hint(_ path: String) -> Bool {
        let accepted = shared.queue.withLock { state in
            guard state.paths.count - state.head < shared.limit else { return false }
            state.paths.append(path)
            return true
        }
        if accepted { shared.available.signal() }
        return accepted
    }

    private static func prefetch(_ path: String) {
        // The same flags the hasher opens with: never blocks on a named pipe, never follows a link at the end
        // (the hasher's own containment check decides about links; a hint need not).
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return }
        // The start of the file only: for a large log the hasher's sequential reads get the kernel's own
        // read-ahead, and a 4 GB hint would fill the page cache long before the bytes are wanted.
        _ = posix_fadvise(descriptor, 0, off_t(min(Int64(info.st_size), 8 << 20)), Int32(POSIX_FADV_WILLNEED))
    }
}
