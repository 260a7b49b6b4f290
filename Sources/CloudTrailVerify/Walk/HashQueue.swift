import Synchronization

/// The log files a chain's walk has reached and the hashing has not, shared by the walk and the hashing tasks.
///
/// The walk appends; each hashing task takes files from the front until the queue is empty or it has done
/// ``batchLimit`` of them, then hands back its results. A task that finishes a file takes the next one itself,
/// so the hashing never waits for the walk to start it: on small logs, starting one task per file cost more
/// than hashing the file, and the cores sat idle while the walk judged a digest.
final class HashQueue: Sendable {
    /// Files one task hashes before it hands back its results (so that they reach the report in good time).
    static let batchLimit = 32

    typealias Item = (sequence: Int, check: DigestChain.LogCheck)
    private let items = Mutex<(list: [Item], head: Int)>(([], 0))

    /// Files waiting to be taken.
    var count: Int { items.withLock { $0.list.count - $0.head } }

    func append(_ item: Item) {
        items.withLock { $0.list.append(item) }
    }

    /// The next file to hash, or `nil` when none is waiting.
    func take() -> Item? {
        items.withLock { state in
            guard state.head < state.list.count else { return nil }
            let item = state.list[state.head]
            state.head += 1
            // Drop what was taken once it is most of the buffer, so it does not grow.
            if state.head >= 1024, state.head * 2 >= state.list.count {
                state.list.removeFirst(state.head)
                state.head = 0
            }
            return item
        }
    }
}
