@testable import CloudTrailVerify

// libFuzzer entry: the same bytes through both GzipInflater backends, zlib and ISA-L's igzip (the library is
// built with -DCLOUDTRAIL_ISAL for this target only), trapping on any disagreement:
// - streaming, whole input, 64 KiB of output room: whatever zlib inflates (or inflates past the output limit),
//   igzip inflates to the same bytes with the same count of bytes after the member; whatever zlib refuses or
//   finds cut short, igzip does not finish;
// - the same for igzip fed 7 bytes at a time with 13 bytes of output room (piece boundaries must not matter);
// - the decided outcome of GzipInflater.inflate(_:limit:backend:) (zlib decides igzip's rejections) is the same
//   value, error text included.
// The one documented difference is allowed: zlib refuses a Huffman code that is valid but incomplete ("invalid
// code lengths set", "invalid literal/lengths set", "invalid distances set"), igzip decodes it.

private enum Ending: Equatable {
    case finished(trailing: Int)
    case stopped
    case needsInput
    case failed(String)
}

private struct Run {
    var ending: Ending
    var output: [UInt8]
}

/// Output past this is not inflated (a 64 KiB input can promise 64 MiB): the run ends `.stopped`.
private let outputLimit = 4 << 20
private let incompleteCodeMessages: Set<String> = [
    "invalid code lengths set", "invalid literal/lengths set", "invalid distances set",
]

// libFuzzer calls the entry from one thread at a time.
nonisolated(unsafe) private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
nonisolated(unsafe) private let smallScratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 13, alignment: 1)

private func run(_ input: UnsafeRawBufferPointer, _ backend: GzipInflater.Backend, piece: Int,
                 into output: UnsafeMutableRawBufferPointer) -> Run {
    var bytes: [UInt8] = []
    let inflater: GzipInflater
    do { inflater = try GzipInflater(backend: backend) } catch { preconditionFailure("\(backend): \(error)") }
    var offset = 0
    while true {
        let end = offset + min(piece, input.count - offset)
        let progress: GzipInflater.Progress
        do {
            progress = try inflater.inflate(UnsafeRawBufferPointer(rebasing: input[offset..<end]), into: output) {
                let room = outputLimit - bytes.count
                bytes.append(contentsOf: $0.prefix(room))
                return $0.count <= room
            }
        } catch {
            return Run(ending: .failed(error.message), output: bytes)
        }
        offset = end
        switch progress {
        case .finished(let unused): return Run(ending: .finished(trailing: unused + input.count - end), output: bytes)
        case .stopped: return Run(ending: .stopped, output: bytes)
        case .needsInput: if offset == input.count { return Run(ending: .needsInput, output: bytes) }
        }
    }
}

private func isKnownDifference(zlib: Ending) -> Bool {
    if case .failed(let message) = zlib { return incompleteCodeMessages.contains(message) }
    return false
}

private func check(zlib: Run, isal: Run, _ what: String) {
    switch zlib.ending {
    case .finished, .stopped:
        precondition(isal.ending == zlib.ending, "\(what): zlib \(zlib.ending), igzip \(isal.ending)")
        precondition(isal.output == zlib.output, "\(what): the backends wrote different bytes")
    case .needsInput, .failed:
        switch isal.ending {
        case .finished, .stopped:
            precondition(isKnownDifference(zlib: zlib.ending), "\(what): zlib \(zlib.ending), igzip \(isal.ending)")
        case .needsInput, .failed:
            break
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let zlib = run(input, .zlib, piece: .max, into: scratch)
    check(zlib: zlib, isal: run(input, .isal, piece: .max, into: scratch), "whole input")
    check(zlib: zlib, isal: run(input, .isal, piece: 7, into: smallScratch), "7-byte pieces")

    let bytes = Array(input)
    let decided: [Result<GzipInflater.Inflated, GzipInflater.Failure>] = [.zlib, .isal].map { backend in
        Result { () throws(GzipInflater.Failure) in try GzipInflater.inflate(bytes, limit: 1 << 20, backend: backend) }
    }
    switch (decided[0], decided[1]) {
    case (.success(let z), .success(let i)):
        precondition(z.bytes == i.bytes && z.trailingByteCount == i.trailingByteCount, "in memory: different results")
    case (.failure(let z), .failure(let i)):
        precondition(z == i, "in memory: zlib says \(z.message), igzip \(i.message)")
    case (.failure(let z), .success):
        precondition(incompleteCodeMessages.contains(z.message), "in memory: zlib says \(z.message), igzip inflates")
    case (.success, .failure(let i)):
        preconditionFailure("in memory: zlib inflates, igzip says \(i.message)")
    }
    return 0
}
