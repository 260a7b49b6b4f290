@testable import CloudTrailVerify

// libFuzzer entry: text parsers fed from object keys and command-line arguments.
private let roots = BucketRoots(["b": "/tmp/fuzz-root"])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let key = DigestObjectKey(text) {
        _ = key.hashValue
        _ = ChainIdentity(key).id
    }
    switch roots.path(for: S3Location(bucket: "b", key: text)) {
    case .success(let path):
        // Compare bytes: String.hasPrefix compares grapheme clusters under canonical
        // equivalence, so a key starting with a combining mark would not "have" the prefix.
        precondition(path.utf8.starts(with: "/tmp/fuzz-root/".utf8), "path escaped the bucket root: \(path)")
    case .failure:
        break
    }
    _ = CloudTrailTime.parse(text)
    if let arn = try? TrailARN(text) { _ = arn.description }
    _ = PublicKeySource(argument: text)
    return 0
}
