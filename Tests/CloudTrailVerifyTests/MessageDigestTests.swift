import Foundation
import Testing
@testable import CloudTrailVerify

@Suite("MessageDigest")
struct MessageDigestTests {
    /// FIPS 180-2 examples, and one input larger than a hash update of the log hasher.
    static let vectors: [(input: [UInt8], sha256: String)] = [
        (Array("abc".utf8), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8),
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000),
         "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
    ]

    @Test("SHA-256 gives the FIPS 180-2 values, fed whole or in pieces of 1, 63, 64 and 65 536 bytes, and reset starts over")
    func standardVectors() {
        let digest = MessageDigest(.sha256)
        for (input, expected) in Self.vectors {
            for piece in [input.count, 1, 63, 64, 65_536] where piece > 0 {
                digest.update(Array("something to discard".utf8))
                digest.reset()
                input.withUnsafeBytes { bytes in
                    var offset = 0
                    while offset < bytes.count {
                        let end = min(bytes.count, offset + piece)
                        digest.update(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
                        offset = end
                    }
                }
                #expect(digest.finalize().hexString == expected, "\(input.count) bytes in pieces of \(piece)")
            }
        }
    }

    // On x86-64 only Linux's /proc/cpuinfo is read; elsewhere on x86-64 the standard vectors above are the check
    // (every update ran through the detection and, with AVX, the instruction).
    #if !arch(x86_64) || os(Linux)
    /// VZEROUPPER faults on a CPU without AVX, so the detection must agree with what the kernel reports.
    @Test("the upper vector state is cleared before each update exactly where the CPU has AVX enabled")
    func clearsUpperStateOnlyWithAVX() throws {
        #if arch(x86_64)
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flagsLine = try #require(cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") })
        let flags = Set(flagsLine.split(separator: ":").last!.split(separator: " ").map(String.init))
        // The kernel lists "avx" only when it has enabled the AVX state (XCR0) as well.
        #expect(MessageDigest.clearsUpperVectorState == flags.contains("avx"))
        #else
        #expect(MessageDigest.clearsUpperVectorState == false)
        #endif
    }
    #endif
}
