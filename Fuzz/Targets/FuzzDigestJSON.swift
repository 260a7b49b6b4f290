@testable import CloudTrailVerify

// libFuzzer entry: the uncompressed digest parser (DigestFile(json:) → StrictJSON.parse).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let digest = try? DigestFile(json: bytes) {
        // Touch the derived values a validator computes from a parsed digest.
        _ = digest.stringToSign
        _ = digest.previousLocation
        _ = DigestObjectKey(digest.digestS3Object)
    }
    // The raw JSON parser on its own, so inputs that are not UTF-8 still reach it.
    _ = try? StrictJSON.parse(bytes)
    return 0
}
