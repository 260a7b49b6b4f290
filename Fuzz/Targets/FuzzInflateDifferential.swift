@testable import CloudTrailVerify

// libFuzzer entry: the same bytes through zlib (GzipInflater's reference backend) and the faster inflaters the
// library is built with for this target only (scripts/fuzz.sh passes -DCLOUDTRAIL_ISAL and/or
// -DCLOUDTRAIL_LIBDEFLATE for whichever of libisal and libdeflate is installed), trapping on any disagreement.
//
// ISA-L's igzip (CLOUDTRAIL_ISAL):
// - streaming, whole input, 64 KiB of output room: whatever zlib inflates (or inflates past the output limit),
//   igzip inflates to the same bytes with the same count of bytes after the member; whatever zlib refuses or
//   finds cut short, igzip does not finish;
// - the same for igzip fed 7 bytes at a time with 13 bytes of output room (piece boundaries must not matter);
// - the decided outcome of GzipInflater.inflate(_:limit:backend:) (zlib decides igzip's rejections) is the same
//   value, error text included.
// The one documented difference is allowed: zlib refuses a Huffman code that is valid but incomplete ("invalid
// code lengths set", "invalid literal/lengths set", "invalid distances set"), igzip decodes it.
//
// libdeflate (CLOUDTRAIL_LIBDEFLATE), the whole-file fast path LibdeflateInflater, with the most output room the
// harness allows and with the room WholeFileHasher would ask for (the last 4 bytes read as ISIZE), handing its
// output on in 128 KiB and 7-byte pieces: when it returns .inflated, zlib finished too, with the same output bytes,
// and the member ends where zlib's does (memberLength == input count - zlib's trailing bytes). Its declines are
// not checked: the hasher streams those inputs through zlib.
// Known and reported, allowed here so the fuzzer can look past it: libdeflate 1.14 inflates some deflate data zlib
// refuses ("too many length or distance symbols", "invalid bit length repeat", "invalid literal/length code",
// "invalid distance code"; see LibdeflateInflaterTests). The first input of each kind is printed (to the log).

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
#if CLOUDTRAIL_ISAL
private let incompleteCodeMessages: Set<String> = [
    "invalid code lengths set", "invalid literal/lengths set", "invalid distances set",
]
#endif

// libFuzzer calls the entry from one thread at a time.
nonisolated(unsafe) private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
#if CLOUDTRAIL_ISAL
nonisolated(unsafe) private let smallScratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 13, alignment: 1)
#endif

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

#if CLOUDTRAIL_ISAL
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
#endif

#if CLOUDTRAIL_LIBDEFLATE
private let lenientMessages: Set<String> = [
    "too many length or distance symbols", "invalid bit length repeat", "invalid literal/length code",
    "invalid distance code",
]
nonisolated(unsafe) private let libdeflate: LibdeflateInflater = {
    do { return try LibdeflateInflater() } catch { preconditionFailure("libdeflate: \(error)") }
}()
nonisolated(unsafe) private let wholeOutput = UnsafeMutableRawBufferPointer.allocate(byteCount: outputLimit, alignment: 64)
nonisolated(unsafe) private var lenientSeen: Set<String> = []

private func checkLibdeflate(_ input: UnsafeRawBufferPointer, zlib: Run) {
    var isize = 1
    if input.count >= 4 {
        isize = max(Int(input.loadUnaligned(fromByteOffset: input.count - 4, as: UInt32.self).littleEndian), 1)
    }
    for (room, chunk) in [(outputLimit, 128 * 1024), (min(isize, outputLimit), 7)] {
        var bytes: [UInt8] = []
        let outcome = libdeflate.inflate(input, into: UnsafeMutableRawBufferPointer(rebasing: wholeOutput[0..<room]),
                                         chunk: chunk) { piece in
            precondition(piece.count <= chunk, "libdeflate: a piece of \(piece.count) bytes, chunk \(chunk)")
            bytes.append(contentsOf: piece)
        }
        guard case .inflated(let count, let memberLength) = outcome else { continue }
        let what = "libdeflate, \(room) bytes of room"
        precondition(count == bytes.count, "\(what): inflated \(count) bytes, handed on \(bytes.count)")
        switch zlib.ending {
        case .finished(let trailing):
            precondition(bytes == zlib.output, "\(what): zlib and libdeflate inflated different bytes")
            precondition(memberLength == input.count - trailing,
                         "\(what): member of \(memberLength) bytes, zlib's ends \(trailing) bytes before the end")
        case .failed(let message) where lenientMessages.contains(message):
            if lenientSeen.insert(message).inserted {
                let hex = input.prefix(4096).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
                print("inflate-differential: known difference, libdeflate inflates what zlib refuses (\(message)): "
                      + hex + (input.count > 4096 ? "..." : ""))
            }
        case .stopped, .needsInput, .failed:
            preconditionFailure("\(what): inflated \(count) bytes, zlib \(zlib.ending)")
        }
    }
}
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let zlib = run(input, .zlib, piece: .max, into: scratch)
    #if CLOUDTRAIL_LIBDEFLATE
    checkLibdeflate(input, zlib: zlib)
    #endif
    #if CLOUDTRAIL_ISAL
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
    #endif
    return 0
}
