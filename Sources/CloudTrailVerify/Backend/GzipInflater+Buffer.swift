extension GzipInflater {
    /// What gunzipping a whole in-memory buffer gave.
    struct Inflated {
        var bytes: [UInt8]
        /// Bytes after the end of the first gzip member.
        var trailingByteCount: Int
    }

    /// Gunzips one gzip member held in memory, refusing output beyond `limit` bytes.
    ///
    /// When `backend` is not zlib and rejects the stream (corrupt, or ending early), zlib decides it again from
    /// the first byte, so the error thrown is always zlib's (see ``GzipInflater``). Hitting `limit` is not a
    /// rejection: every backend stops there with the same output.
    static func inflate(
        _ compressed: [UInt8], limit: Int, backend: Backend = GzipInflater.defaultBackend
    ) throws(Failure) -> Inflated {
        var pass = inflateOnce(compressed, limit: limit, backend: backend)
        if case .failure(let failure) = pass, failure.isRejection, backend != .zlib {
            pass = inflateOnce(compressed, limit: limit, backend: .zlib)
        }
        switch pass {
        case .success(let inflated): return inflated
        case .failure(let failure): throw failure.failure
        }
    }

    /// A failure of one pass, and whether it is the stream's fault (corrupt or ending early) or the limit's.
    private struct PassFailure: Error {
        var failure: Failure
        var isRejection: Bool
    }

    private static func inflateOnce(
        _ compressed: [UInt8], limit: Int, backend: Backend
    ) -> Result<Inflated, PassFailure> {
        let inflater: GzipInflater
        do { inflater = try GzipInflater(backend: backend) } catch {
            return .failure(PassFailure(failure: error, isRejection: false))
        }
        var output: [UInt8] = []
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { scratch.deallocate() }
        let attempt: Result<Progress, Failure> = compressed.withUnsafeBytes { input in
            Result { () throws(Failure) -> Progress in
                try inflater.inflate(input, into: scratch) { piece in
                    guard output.count + piece.count <= limit else { return false }
                    output.append(contentsOf: piece)
                    return true
                }
            }
        }
        switch attempt {
        case .failure(let failure):
            return .failure(PassFailure(failure: failure, isRejection: true))
        case .success(.stopped):
            return .failure(PassFailure(failure: Failure(message: "inflates to more than \(limit) bytes"), isRejection: false))
        case .success(.needsInput):
            return .failure(PassFailure(failure: Failure(message: "gzip stream ends early"), isRejection: true))
        case .success(.finished(let unused)):
            return .success(Inflated(bytes: output, trailingByteCount: unused))
        }
    }
}
