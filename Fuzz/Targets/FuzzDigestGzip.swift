@testable import CloudTrailVerify

// libFuzzer entry: gzip-compressed digests (DigestFile(compressed:)) and the in-memory inflater.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? DigestFile(compressed: bytes)
    if let inflated = try? GzipInflater.inflate(bytes, limit: 1 << 20) {
        precondition(inflated.bytes.count <= 1 << 20, "inflate ignored its limit")
        precondition(inflated.trailingByteCount >= 0 && inflated.trailingByteCount <= bytes.count,
                     "trailing byte count out of range")
    }
    return 0
}
