extension GzipInflater {
    /// What gunzipping a whole in-memory buffer gave.
    struct Inflated {
        var bytes: [UInt8]
        /// Bytes after the end of the first gzip member.
        var trailingByteCount: Int
    }

    /// Gunzips one gzip member held in memory, refusing output beyond `limit` bytes.
    static func inflate(_ compressed: [UInt8], limit: Int) throws(Failure) -> Inflated {
        let inflater = try GzipInflater()
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
        let progress = try attempt.get()
        switch progress {
        case .stopped: throw Failure(message: "inflates to more than \(limit) bytes")
        case .needsInput: throw Failure(message: "gzip stream ends early")
        case .finished(let unused): return Inflated(bytes: output, trailingByteCount: unused)
        }
    }
}
