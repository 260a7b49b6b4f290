#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization
internal import CCloudTrailSystem

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
///
/// On a bucket already in the page cache the hints only cost time (an extra open per
/// file), so each reader first asks whether the file's first byte is cached
/// (`preadv2(RWF_NOWAIT)`). After ``quietAfter`` cached files in a row, ``wantsEveryFile``
/// turns false and only one hint in ``sampleEvery`` is taken; one file that is not cached turns it back on.
///
/// A hint can name its file by a closure, which runs on a reader thread: working out a
/// path (its containment check `lstat`s the file) waits on the disk as much as reading it.
/// On systems without `posix_fadvise` (macOS) the hints do nothing.
final class ReadAhead: Sendable {
    private final class Shared: Sendable {
        let queue = Mutex<(items: [@Sendable () -> String?], head: Int, stopped: Bool)>(([], 0, false))
        /// Hints offered, taken or not: while quiet, every ``sampleEvery``-th is taken.
        let offered = Atomic<Int>(0)
        let available = DispatchSemaphore(value: 0)
        /// Hints taken and dealt with (for tests: a hint must never hang a reader).
        let handled = Atomic<Int>(0)
        /// `handled` when a hinted file was last found not cached (or its state unknown).
        let lastMiss = Atomic<Int>(0)
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
                    let next: (@Sendable () -> String?)? = shared.queue.withLock { state in
                        guard !state.stopped, state.head < state.items.count else { return nil }
                        let item = state.items[state.head]
                        state.head += 1
                        // Drop what was taken once it is most of the buffer, so it does not grow.
                        if state.head >= 1024, state.head * 2 >= state.items.count {
                            state.items.removeFirst(state.head)
                            state.head = 0
                        }
                        return item
                    }
                    guard let next else {
                        if shared.queue.withLock({ $0.stopped }) { return }
                        continue
                    }
                    let missed = next().map(Self.prefetch) ?? false
                    let count = shared.handled.add(1, ordering: .releasing).newValue
                    if missed { shared.lastMiss.store(count, ordering: .relaxed) }
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

    /// Cached files in a row after which hinting every file is not worth its cost.
    static let quietAfter = 256

    /// While quiet, one hint in this many is taken, to notice when files stop being cached.
    static let sampleEvery = 16

    /// Whether every file is worth a hint: some recent hinted file was not in the page cache.
    var wantsEveryFile: Bool {
        shared.handled.load(ordering: .relaxed) - shared.lastMiss.load(ordering: .relaxed) < Self.quietAfter
    }

    /// How many hints the readers have dealt with so far.
    var hintsHandled: Int { shared.handled.load(ordering: .acquiring) }

    /// Asks for `path` to be read soon. Never blocks; dropped (and `false`) when the queue is full,
    /// or when the files have been cached lately and this hint is not one of the sample.
    @discardableResult
    func hint(_ path: String) -> Bool {
        hint { path }
    }

    /// Asks for the file `path` names (on a reader thread; `nil`: nothing to read) to be read soon.
    @discardableResult
    func hint(_ path: @escaping @Sendable () -> String?) -> Bool {
        let offered = shared.offered.add(1, ordering: .relaxed).oldValue
        guard wantsEveryFile || offered % Self.sampleEvery == 0 else { return false }
        let accepted = shared.queue.withLock { state in
            guard state.items.count - state.head < shared.limit else { return false }
            state.items.append(path)
            return true
        }
        if accepted { shared.available.signal() }
        return accepted
    }

    /// Asks for the start of `path`; returns whether it was not (known to be) in the page cache.
    private static func prefetch(_ path: String) -> Bool {
        // The same flags the hasher opens with: never blocks on a named pipe, never follows a link at the end
        // (the hasher's own containment check decides about links; a hint need not).
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        let cachedState = ct_first_byte_is_cached(descriptor)
        guard info.st_size > 0, cachedState != 1 else { return false }
        // The start of the file only: for a large log the hasher's sequential reads get the kernel's own
        // read-ahead, and a 4 GB hint would fill the page cache long before the bytes are wanted.
        ct_will_need(descriptor, Int64(min(Int64(info.st_size), 8 << 20)))
        return true
    }
}
