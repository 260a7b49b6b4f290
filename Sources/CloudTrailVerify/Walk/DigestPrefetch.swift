import Foundation

/// Examines the digests a chain walk will judge next (``DigestChain/examine(_:limits:)``: reading, parsing,
/// metadata, content checks and the signature), on threads of its own, ahead of the walk.
///
/// The walk itself is one task: it decides each digest in turn, from the newest back, and feeds the log files
/// to hash. On a bucket of many small logs, reading and checking the digests one by one in that task was the
/// slowest part of the run, and left the hashing waiting for work. The walk goes through the chain's files
/// newest first, so they are examined in that order, a bounded distance ahead: at most ``window`` files and
/// ``byteBudget`` bytes of digest text are held. A file examined ahead is read within
/// ``DigestChain/claimReadLimits``; one that needs more is left to the walk, which reads it alone, as it
/// reads any file the prefetch did not reach (a link that jumps, a fork's other branch).
///
/// Blocking threads, not tasks: they wait for the walk, and the walk waits for them only for a file they are
/// examining at that moment, so neither ever holds one of the few threads Swift concurrency runs tasks on
/// for long, and they never need one.
final class DigestPrefetch: Sendable {
    /// Files examined ahead of the walk, at most.
    static let window = 256
    /// Digest text held by examined files the walk has not taken yet, at most.
    static let byteBudget = 8 << 20

    private let state: State
    /// The chain (without this prefetch): its own index finds a location's admitted position.
    private let chain: DigestChain

    /// Starts `threads` examiners over `chain`'s admitted files, newest first.
    init(chain: DigestChain, threads: Int) {
        self.chain = chain
        let bucket = chain.bucket
        let admitted = chain.admitted
        state = State(count: admitted.count) { position in
            chain.examine(S3Location(bucket: bucket, key: admitted[position].key), limits: DigestChain.claimReadLimits)
        }
        for _ in 0..<max(1, threads) {
            let state = self.state
            let thread = Thread { state.examineAhead() }
            thread.name = "cloudtrail-verify digest prefetch"
            thread.start()
        }
    }

    deinit {
        state.stop()
    }

    /// Stops the examiners; what they hold is let go.
    func stop() {
        state.stop()
    }

    /// The examination of `location`, if it was examined ahead (waiting for it if it is being examined now);
    /// `nil`: examine it yourself. Each examination is handed out once.
    func take(_ location: S3Location) -> DigestChain.Examination? {
        guard let index = chain.fileIndex(of: location),
              let position = BucketValidator.admittedPosition(of: chain.files[index], in: chain.admitted) else { return nil }
        return state.take(position)
    }

    /// Examinations ready and not yet taken (for tests).
    var readyCount: Int { state.readyCount }

    /// The examiners' shared state, behind one lock.
    private final class State: @unchecked Sendable {
        // Guarded by `condition`.
        private let condition = NSCondition()
        /// The next position to examine, going down; -1 when all are started.
        private var next: Int
        /// The lowest position the walk has taken: examiners stay within ``DigestPrefetch/window`` below it.
        private var walkedTo: Int
        private var examining: Set<Int> = []
        /// Examined positions not yet taken; `nil` when the file needs the walk's own reading.
        private var ready: [Int: DigestChain.Examination?] = [:]
        private var held = 0
        private var stopped = false
        private var examinersWaiting = 0
        private var walkWaiting = false
        private let examine: @Sendable (Int) -> DigestChain.Examination?

        init(count: Int, examine: @escaping @Sendable (Int) -> DigestChain.Examination?) {
            next = count - 1
            walkedTo = count
            self.examine = examine
        }

        var readyCount: Int {
            condition.lock()
            defer { condition.unlock() }
            return ready.count
        }

        func stop() {
            condition.lock()
            stopped = true
            ready.removeAll()
            held = 0
            condition.broadcast()
            condition.unlock()
        }

        /// An examiner's loop: the next file down, while it is within the window and the budget.
        func examineAhead() {
            condition.lock()
            while !stopped {
                guard next >= 0, next >= walkedTo - DigestPrefetch.window, held < DigestPrefetch.byteBudget else {
                    // Woken when half the window (or the budget) is free again, not for every file the walk takes:
                    // a wake-up per digest cost more than the examination it saved.
                    examinersWaiting += 1
                    condition.wait()
                    examinersWaiting -= 1
                    continue
                }
                let position = next
                next -= 1
                examining.insert(position)
                condition.unlock()
                let examination = examine(position)
                condition.lock()
                examining.remove(position)
                if !stopped {
                    ready[position] = .some(examination)
                    held += examination?.heldBytes ?? 0
                }
                if walkWaiting { condition.broadcast() }
            }
            condition.unlock()
        }

        func take(_ position: Int) -> DigestChain.Examination? {
            condition.lock()
            defer { condition.unlock() }
            if position < walkedTo {
                walkedTo = position
                // What the walk went past and did not take (it jumped) is let go once there is much of it:
                // it is examined again if it is ever judged.
                if ready.count > DigestPrefetch.window {
                    for (skipped, examination) in ready where skipped > position {
                        ready[skipped] = nil
                        held -= examination?.heldBytes ?? 0
                    }
                }
            }
            guard position > next else {
                // Not started: the walk jumped below the examiners. They carry on below this file.
                next = position - 1
                if examinersWaiting > 0 { condition.broadcast() }
                return nil
            }
            while examining.contains(position) {
                walkWaiting = true
                condition.wait()
            }
            walkWaiting = false
            let examination = ready.removeValue(forKey: position)
            if let examination { held -= examination?.heldBytes ?? 0 }
            if examinersWaiting > 0, next >= 0, next >= walkedTo - DigestPrefetch.window / 2,
               held < DigestPrefetch.byteBudget / 2 {
                condition.broadcast()
            }
            return examination ?? nil
        }
    }
}
