#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@testable import CloudTrailVerify

// libFuzzer entry: the streaming log-file hasher (LogFileHasher.digest(path:)) and
// LogFileVerifier.verify, fed through one reused temporary file.
private let fuzzFolder: String = {
    var template = Array("/tmp/ct-fuzz-log-XXXXXX".utf8CString)
    let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    precondition(made != nil, "mkdtemp failed")
    let folder = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
    // Leave nothing behind in /tmp when libFuzzer exits normally.
    atexit {
        unlink(fuzzPath)
        rmdir(fuzzFolder)
    }
    return folder
}()
private let fuzzFileName = "log.json.gz"
private let fuzzPath = fuzzFolder + "/" + fuzzFileName
// Small buffers so that inputs cross buffer boundaries (the fuzzer's inputs are small).
nonisolated(unsafe) private let smallHasher = LogFileHasher(bufferSize: 7)
nonisolated(unsafe) private let hasher = LogFileHasher()
private let roots = BucketRoots(["b": fuzzFolder])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let descriptor = open(fuzzPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    precondition(descriptor >= 0, "cannot write \(fuzzPath)")
    var written = 0
    while written < size {
        let result = write(descriptor, data + written, size - written)
        precondition(result > 0, "short write to \(fuzzPath)")
        written += result
    }
    close(descriptor)

    let large = hasher.digest(path: fuzzPath)
    let small = smallHasher.digest(path: fuzzPath)
    // The buffer size must not change what a file hashes to or how it is classified.
    precondition(large == small, "buffer size changed the outcome: \(large) vs \(small)")

    let expected = String(repeating: "0", count: 64)
    _ = LogFileVerifier.verify(location: S3Location(bucket: "b", key: fuzzFileName),
                               expected: expected, roots: roots, hasher: hasher)
    return 0
}
