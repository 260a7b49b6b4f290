internal import CCloudTrailOpenSSL

/// One-shot and streaming message digests through OpenSSL's EVP interface.
///
/// The algorithms are fetched once: implicit fetches inside `EVP_DigestInit_ex`
/// cost a provider lookup per call, which shows when hashing many small files.
internal final class MessageDigestAlgorithm: @unchecked Sendable {
    // EVP_MD objects are immutable after fetch and safe to share across threads.
    fileprivate let md: OpaquePointer
    let outputSize: Int

    private init(name: String) {
        guard let md = EVP_MD_fetch(nil, name, nil) else {
            // The default provider always has SHA256 and MD5; without them nothing here can work.
            fatalError("OpenSSL has no \(name) implementation: \(OpenSSLErrorQueue.drain())")
        }
        self.md = md
        self.outputSize = Int(EVP_MD_get_size(md))
    }

    deinit { EVP_MD_free(md) }

    static let sha256 = MessageDigestAlgorithm(name: "SHA256")
    static let md5 = MessageDigestAlgorithm(name: "MD5")

    /// Hashes `bytes` in one call.
    func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let hasher = MessageDigest(self)
        hasher.update(bytes)
        return hasher.finalize()
    }
}

/// A streaming hash context. Not thread-safe: one per task.
internal final class MessageDigest {
    private let context: OpaquePointer
    private let algorithm: MessageDigestAlgorithm

    init(_ algorithm: MessageDigestAlgorithm) {
        guard let context = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        self.context = context
        self.algorithm = algorithm
        reset()
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Starts a new hash, discarding anything fed so far.
    func reset() {
        guard EVP_DigestInit_ex2(context, algorithm.md, nil) == 1 else {
            fatalError("EVP_DigestInit_ex2 failed: \(OpenSSLErrorQueue.drain())")
        }
    }

    /// Whether ``update(_:)`` clears the upper halves of the YMM registers first (see the OpenSSL shim header:
    /// AVX code that leaves them in use, like igzip's, makes OpenSSL's SSE-encoded SHA-NI code about 25% slower).
    static let clearsUpperVectorState = ct_can_clear_upper_vector_state() == 1

    func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        if Self.clearsUpperVectorState { ct_clear_upper_vector_state() }
        guard EVP_DigestUpdate(context, base, buffer.count) == 1 else {
            fatalError("EVP_DigestUpdate failed: \(OpenSSLErrorQueue.drain())")
        }
    }

    func update(_ bytes: some Collection<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done == nil {
            Array(bytes).withUnsafeBytes { update($0) }
        }
    }

    /// Returns the hash and leaves the context ready for a new one.
    func finalize() -> [UInt8] {
        var output = [UInt8](repeating: 0, count: algorithm.outputSize)
        var length: UInt32 = 0
        let ok = output.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        guard ok == 1 else { fatalError("EVP_DigestFinal_ex failed: \(OpenSSLErrorQueue.drain())") }
        reset()
        return Array(output.prefix(Int(length)))
    }
}
