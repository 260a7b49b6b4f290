internal import CCloudTrailZlib

/// Streaming gunzip of exactly one gzip member through zlib: the reference backend of ``GzipInflater``.
///
/// Compiled into every build: it is the default, and with the `ISAL` trait it still decides every stream that
/// igzip rejects (see ``GzipInflater``) and is what the tests compare igzip against.
///
/// The `z_stream` lives on the heap: zlib keeps a pointer back to it in its
/// internal state, so it must never move after `inflateInit2`.
internal final class ZlibInflater {
    private let stream: UnsafeMutablePointer<z_stream>

    init() throws(GzipInflater.Failure) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 window bits + 16: accept a gzip wrapper only (what CloudTrail writes and what the AWS CLI expects).
        let status = ct_inflate_init2(stream, 15 + 16)
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw GzipInflater.Failure(message: "zlib could not start (status \(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// See ``GzipInflater/reset()``: `inflateReset` keeps the window bits (gzip only) and the allocated window.
    func reset() throws(GzipInflater.Failure) {
        let status = inflateReset(stream)
        guard status == Z_OK else { throw GzipInflater.Failure(message: "zlib could not restart (status \(status))") }
    }

    /// See ``GzipInflater/inflate(_:into:consume:)``.
    func inflate(
        _ input: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer,
        consume: (UnsafeRawBufferPointer) -> Bool
    ) throws(GzipInflater.Failure) -> GzipInflater.Progress {
        guard let outBase = output.baseAddress, output.count > 0 else {
            throw GzipInflater.Failure(message: "no output space")
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
                throw GzipInflater.Failure(message: text)
            }
        }
    }
}
