@testable import CloudTrailVerify

// libFuzzer entry: public key files (list-public-keys JSON, PEM, DER).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let keys = try PublicKeyStore.keys(fromFileBytes: bytes, path: "fuzz", region: "us-east-1")
        for key in keys { _ = key.fingerprint }
    } catch {
        _ = error.message
    }
    return 0
}
