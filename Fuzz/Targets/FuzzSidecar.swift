@testable import CloudTrailVerify

// libFuzzer entry: `aws s3api head-object` sidecars (<digest>.metadata.json).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let result = DigestMetadata.parseSidecar(bytes, path: "fuzz")
    precondition((result.signature == nil) != (result.problem == nil), "sidecar gave both or neither")
    return 0
}
