internal import CCloudTrailZlib

/// Streaming gunzip of exactly one gzip member through zlib.
///
/// The `z_stream` lives on the heap: zlib keeps a pointer back to it in its
/// internal state, so it must never move after `inflateInit2`.
internal final class GzipInflater {
    private let stream: UnsafeMutablePointer<z_stream>

    /// Why inflation stopped with an error.
    struct Failure: Error, Equatable {
        var message: String
    }

    /// What one call to ``inflate(_:into:consume:)`` ended with.
    enum Progress: Equatable {
        /// All input was used; the member has not ended yet.
        case needsInput
        /// The gzip member ended; `unusedInput` bytes of this call's input follow it.
        case finished(unusedInput: Int)
        /// `consume` asked to stop.
        case stopped
    }

    init() throws(Failure) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 window bits + 16: accept a gzip wrapper only (what CloudTrail writes and what the AWS CLI expects).
        let status = ct_inflate_init2(stream, 15 + 16)
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw Failure(message: "zlib could not start (status \(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Feeds `input`, handing every piece of inflated output to `consume`.
    ///
    /// `output` is scratch space owned by the caller, reused for each piece;
    /// `consume` returns `false` to stop early (a size limit was hit).
    func inflate(
        _ input: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer,
        consume: (UnsafeRawBufferPointer) -> Bool
    ) throws(Failure) -> Progress {
        guard let outBase = output.baseAddress, output.count > 0 else {
            throw Failure(message: "no output space")
        }
        let inBase = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self)) }
        stream.pointee.next_in = inBase
        stream.pointee.avail_in = uInt(input.count)
        while true {
            stream.pointee.next_out = outBase.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(output.count)
            let status = CCloudTrailZlib.inflate(stream, Z_NO_FLUSH)
            let produced = output.count - Int(stream.pointee.avail_out)
            if produced > 0, !consume(UnsafeRawBufferPointer(start: outBase, count: produced)) {
                return .stopped
            }
            switch status {
            case Z_STREAM_END:
                return .finished(unusedInput: Int(stream.pointee.avail_in))
            case Z_OK:
                if stream.pointee.avail_in == 0 && stream.pointee.avail_out != 0 { return .needsInput }
            case Z_BUF_ERROR:
                // No progress possible: all input consumed (more is needed).
                return .needsInput
            default:
                let text = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                throw Failure(message: text)
            }
        }
    }
}
