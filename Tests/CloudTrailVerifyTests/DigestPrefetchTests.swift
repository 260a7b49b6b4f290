import Foundation
import Testing
@testable import CloudTrailVerify

@Suite("DigestPrefetch: digests examined ahead of the walk", .enabled(if: TestSupport.hasOpenSSL))
struct DigestPrefetchTests {
    /// A vector's first chain, built as the walk builds it.
    static func chain(_ name: String) throws -> DigestChain {
        let options = try TestVectorCatalog.options(name, try TestVectorCatalog.expected(name))
        let plan = try BucketValidator(options: options).makePlan()
        let identity = try #require(plan.chains.first).identity
        let files = try plan.inventory.files(of: identity)
        let admitted = files.filter { options.window.admits(keyTimestamp: $0.timestampCode) }
        return DigestChain(identity: identity, bucket: plan.bucket, files: files, admitted: admitted,
                           roots: plan.roots, keys: plan.keys, window: options.window)
    }

    static func location(_ chain: DigestChain, _ position: Int) -> S3Location {
        S3Location(bucket: chain.bucket, key: chain.admitted[position].key)
    }

    /// What an examination found, comparable: the file's fate, its hash, its metadata signature, and the checks.
    static func summary(_ examination: DigestChain.Examination?) -> String? {
        guard let examination else { return nil }
        var parts: [String] = []
        switch examination.file {
        case .unresolvable(let why): parts.append("unresolvable \(why)")
        case .notFound: parts.append("not found")
        case .folder: parts.append("folder")
        case .unreadable(let problem): parts.append("unreadable \(problem.message)")
        case .read(let digest): parts.append("read \(digest.sha256)")
        }
        parts.append("signature \(examination.metadata.signature?.hex ?? "-") \(examination.metadata.problem ?? "-")")
        parts.append("algorithm \(examination.algorithmProblem?.message ?? "-")")
        parts.append("content \(examination.contentProblem?.message ?? "-")")
        parts.append("verified \(examination.preverified.map { "\($0.verified) by \($0.key.fingerprint)" } ?? "-")")
        return parts.joined(separator: "; ")
    }

    /// Waits (at most 30 s) until the examiners hold `count` examinations.
    static func waitUntilReady(_ prefetch: DigestPrefetch, count: Int) async throws {
        let deadline = Date().addingTimeInterval(30)
        while prefetch.readyCount < count, Date() < deadline { try await Task.sleep(nanoseconds: 5_000_000) }
        #expect(prefetch.readyCount == count)
    }

    @Test("files taken newest first come examined ahead, exactly as the walk would examine them",
          arguments: ["clean-multi-day", "modified-digest", "no-metadata", "wrong-signature-algorithm", "digest-wrong-place"])
    func examinedAheadAsInTheWalk(_ name: String) async throws {
        let chain = try Self.chain(name)
        let prefetch = DigestPrefetch(chain: chain, threads: 2)
        defer { prefetch.stop() }
        try await Self.waitUntilReady(prefetch, count: min(chain.admitted.count, DigestPrefetch.window))
        for position in chain.admitted.indices.reversed() {
            let location = Self.location(chain, position)
            let ahead = try #require(prefetch.take(location), "\(location.uri) was not examined ahead")
            #expect(Self.summary(ahead) == Self.summary(chain.examine(location)))
        }
    }

    @Test("each examination is handed out once: asked again, the walk examines it itself")
    func handedOutOnce() async throws {
        let chain = try Self.chain("clean-multi-day")
        let prefetch = DigestPrefetch(chain: chain, threads: 1)
        defer { prefetch.stop() }
        let newest = chain.admitted.count - 1
        try await Self.waitUntilReady(prefetch, count: min(chain.admitted.count, DigestPrefetch.window))
        #expect(prefetch.take(Self.location(chain, newest)) != nil)
        #expect(prefetch.take(Self.location(chain, newest)) == nil)
        // A location that is not one of the chain's files is never examined ahead.
        #expect(prefetch.take(S3Location(bucket: chain.bucket, key: chain.admitted[newest].key + "x")) == nil)
        #expect(prefetch.take(S3Location(bucket: "another-bucket", key: chain.admitted[newest].key)) == nil)
    }

    @Test("a walk that jumps below the examiners examines that file itself, and they carry on below it")
    func jumpBelowTheExaminers() async throws {
        let chain = try Self.chain("clean-multi-day")
        try #require(chain.admitted.count >= 3)
        let prefetch = DigestPrefetch(chain: chain, threads: 1)
        defer { prefetch.stop() }
        // Nothing taken yet: the examiners go no further than a window below the newest file. Taking the oldest
        // file at once finds it not examined (unless the chain fits in the window and it was already done).
        let oldest = Self.location(chain, 0)
        let first = prefetch.take(oldest)
        if let first { #expect(Self.summary(first) == Self.summary(chain.examine(oldest))) }
        // Whatever was examined above it stays available until the walk passes it.
        for position in (1..<chain.admitted.count).reversed() {
            if let taken = prefetch.take(Self.location(chain, position)) {
                #expect(Self.summary(taken) == Self.summary(chain.examine(Self.location(chain, position))))
            }
        }
    }

    @Test("a digest too large to read several at once is left to the walk, which reads it alone and in full")
    func largeDigestsAreLeftToTheWalk() async throws {
        let chain = try Self.chain("json-bomb")
        let prefetch = DigestPrefetch(chain: chain, threads: 2)
        defer { prefetch.stop() }
        var leftToTheWalk = 0
        for position in chain.admitted.indices.reversed() {
            let location = Self.location(chain, position)
            let withinLimits = chain.examine(location, limits: DigestChain.claimReadLimits)
            if withinLimits == nil { leftToTheWalk += 1 }
            // Wait for the examiners to reach it, so that a `nil` below means "left to the walk", not "not yet".
            let deadline = Date().addingTimeInterval(30)
            while prefetch.readyCount == 0, Date() < deadline { try await Task.sleep(nanoseconds: 5_000_000) }
            let ahead = prefetch.take(location)
            if withinLimits == nil { #expect(ahead == nil, "\(location.uri) was read ahead beyond the limits") }
            if let ahead { #expect(Self.summary(ahead) == Self.summary(chain.examine(location))) }
        }
        #expect(leftToTheWalk > 0, "the vector has no digest beyond the read-ahead limits")
    }

    @Test("stopped, it hands out nothing and never blocks")
    func stopped() throws {
        let chain = try Self.chain("clean-multi-day")
        let prefetch = DigestPrefetch(chain: chain, threads: 2)
        prefetch.stop()
        for position in chain.admitted.indices.reversed() {
            #expect(prefetch.take(Self.location(chain, position)) == nil)
        }
        #expect(prefetch.readyCount == 0)
    }
}
