import Foundation
import Testing
@testable import CloudTrailVerify

/// `RSAPublicKeyHandle` and `PublicKey.verifies(signature:over:)`, which wraps it.
@Suite("RSAPublicKeyHandle")
struct RSAPublicKeyHandleTests {
    typealias Clean = TestSupport.Clean

    static func cleanKey() throws -> PublicKey {
        try #require(try PublicKeyStore(sources: [PublicKeySource(path: Clean.keyFile)]).keys.first)
    }

    /// The sidecar signature of a clean digest.
    static func sidecarSignature(ofDigestAt path: String) throws -> [UInt8] {
        let object = try TestSupport.jsonObject(try TestSupport.bytes(atPath: path + ".metadata.json"))
        let metadata = try #require(object["Metadata"] as? [String: Any])
        let hex = try #require(metadata["signature"] as? String)
        return TestSupport.unhex(hex)
    }

    static func signedPair(_ path: String = Clean.firstDigestPath) throws -> (signature: [UInt8], message: [UInt8]) {
        let digest = try DigestFile(compressed: try TestSupport.bytes(atPath: path))
        return (try sidecarSignature(ofDigestAt: path), digest.stringToSign)
    }

    @Test("a vector digest's sidecar signature verifies over its stringToSign")
    func sidecarSignatureVerifies() throws {
        let key = try Self.cleanKey()
        let (signature, message) = try Self.signedPair()
        #expect(signature.count == 256)
        #expect(key.verifies(signature: signature, over: message))
        let second = try Self.signedPair(Clean.secondDigestPath)
        #expect(key.verifies(signature: second.signature, over: second.message))
    }

    @Test("the next digest's previousDigestSignature is the same signature and verifies too")
    func nextDigestSignatureVerifies() throws {
        let key = try Self.cleanKey()
        let first = try DigestFile(compressed: try TestSupport.bytes(atPath: Clean.firstDigestPath))
        let second = try DigestFile(compressed: try TestSupport.bytes(atPath: Clean.secondDigestPath))
        let signature = TestSupport.unhex(try #require(second.previousDigestSignature))
        #expect(signature == (try Self.sidecarSignature(ofDigestAt: Clean.firstDigestPath)))
        #expect(key.verifies(signature: signature, over: first.stringToSign))
    }

    @Test("a flipped bit in the signature fails", arguments: [0, 1, 100, 255])
    func flippedSignatureBit(index: Int) throws {
        let key = try Self.cleanKey()
        var (signature, message) = try Self.signedPair()
        signature[index] ^= 0x01
        #expect(!key.verifies(signature: signature, over: message))
    }

    @Test("a flipped bit in the message fails")
    func flippedMessageBit() throws {
        let key = try Self.cleanKey()
        var (signature, message) = try Self.signedPair()
        message[message.count / 2] ^= 0x20
        #expect(!key.verifies(signature: signature, over: message))
        // The other digest's message does not verify with this signature either.
        let other = try Self.signedPair(Clean.secondDigestPath)
        #expect(!key.verifies(signature: signature, over: other.message))
    }

    @Test("garbage signature bytes give false without crashing", arguments: [
        [], [0x00], [UInt8](repeating: 0xff, count: 256), [UInt8](repeating: 0x00, count: 256),
        [UInt8](repeating: 0x41, count: 255), [UInt8](repeating: 0x41, count: 257),
        TestSupport.pseudoRandomBytes(count: 4096),
    ] as [[UInt8]])
    func garbageSignature(signature: [UInt8]) throws {
        let key = try Self.cleanKey()
        let (_, message) = try Self.signedPair()
        #expect(!key.verifies(signature: signature, over: message))
        #expect(!key.verifies(signature: signature, over: []))
    }

    @Test("a signature made by another key fails", .enabled(if: TestSupport.hasOpenSSL))
    func otherKeyFails() throws {
        let key = try Self.cleanKey()
        let (_, message) = try Self.signedPair()
        let rogue = try TestSupport.runChecked(["openssl", "dgst", "-sha256", "-sign", TestSupport.generatorKey("rogue")],
                                               input: message)
        #expect(rogue.count == 256)
        #expect(!key.verifies(signature: rogue, over: message))
    }

    @Test("a signature made with openssl by the vector's private key verifies", .enabled(if: TestSupport.hasOpenSSL))
    func opensslSignatureVerifies() throws {
        let key = try Self.cleanKey()
        let message = Array("any message\nwith lines".utf8)
        let signature = try TestSupport.runChecked(["openssl", "dgst", "-sha256", "-sign", Clean.privateKey], input: message)
        #expect(key.verifies(signature: signature, over: message))
        #expect(!key.verifies(signature: signature, over: message + [0x0a]))
    }

    @Test("an empty message can be signed and verified", .enabled(if: TestSupport.hasOpenSSL))
    func emptyMessage() throws {
        let key = try Self.cleanKey()
        let signature = try TestSupport.runChecked(["openssl", "dgst", "-sha256", "-sign", Clean.privateKey], input: [])
        #expect(key.verifies(signature: signature, over: []))
    }

    @Test("one key verifies from many tasks at once")
    func concurrentVerification() async throws {
        let key = try Self.cleanKey()
        let (signature, message) = try Self.signedPair()
        var tampered = signature
        tampered[10] ^= 0x80
        let bad = tampered
        let results = await withTaskGroup(of: (Bool, Bool).self) { group in
            for _ in 0..<64 {
                group.addTask {
                    (key.verifies(signature: signature, over: message), key.verifies(signature: bad, over: message))
                }
            }
            var all: [(Bool, Bool)] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 64)
        #expect(results.allSatisfy { $0.0 && !$0.1 })
    }

    // MARK: Parsing

    static func cleanDER() throws -> [UInt8] {
        let object = try TestSupport.jsonObject(try TestSupport.bytes(atPath: Clean.keyFile))
        let list = try #require(object["PublicKeyList"] as? [[String: Any]])
        let value = try #require(list.first?["Value"] as? String)
        return [UInt8](try #require(Data(base64Encoded: value)))
    }

    @Test("parses DER PKCS#1 and re-encodes it byte for byte")
    func pkcs1RoundTrip() throws {
        let der = try Self.cleanDER()
        let handle = try RSAPublicKeyHandle(pkcs1DER: der)
        #expect(handle.bitCount == 2048)
        #expect(handle.pkcs1DER == der)
    }

    @Test("a SubjectPublicKeyInfo re-encodes to the same PKCS#1 bytes", .enabled(if: TestSupport.hasOpenSSL))
    func spkiToPKCS1() throws {
        let spki = try TestSupport.runChecked(["openssl", "rsa", "-in", Clean.privateKey, "-pubout", "-outform", "DER"])
        let handle = try RSAPublicKeyHandle(subjectPublicKeyInfoDER: spki)
        #expect(handle.pkcs1DER == (try Self.cleanDER()))
        #expect(PublicKey.fingerprint(ofDER: handle.pkcs1DER) == Clean.fingerprint)
    }

    @Test("PKCS#1 bytes are not accepted as SubjectPublicKeyInfo, nor the reverse", .enabled(if: TestSupport.hasOpenSSL))
    func formsAreNotConfused() throws {
        let pkcs1 = try Self.cleanDER()
        #expect(throws: RSAPublicKeyHandle.ParseFailure.self) { try RSAPublicKeyHandle(subjectPublicKeyInfoDER: pkcs1) }
        let spki = try TestSupport.runChecked(["openssl", "rsa", "-in", Clean.privateKey, "-pubout", "-outform", "DER"])
        #expect(throws: RSAPublicKeyHandle.ParseFailure.self) { try RSAPublicKeyHandle(pkcs1DER: spki) }
    }

    @Test("garbage, truncated DER and DER with trailing bytes are refused")
    func refusesBadDER() throws {
        let der = try Self.cleanDER()
        for bytes in [[], [0x30], Array(der.dropLast(1)), Array(der.prefix(20)), der + [0x00], TestSupport.pseudoRandomBytes(count: 270)] {
            #expect(throws: RSAPublicKeyHandle.ParseFailure.self) { try RSAPublicKeyHandle(pkcs1DER: bytes) }
            #expect(throws: RSAPublicKeyHandle.ParseFailure.self) { try RSAPublicKeyHandle(subjectPublicKeyInfoDER: bytes) }
        }
    }

    @Test("the trailing-bytes refusal says how many bytes follow the key")
    func trailingBytesMessage() throws {
        let der = try Self.cleanDER()
        do {
            _ = try RSAPublicKeyHandle(pkcs1DER: der + [1, 2, 3])
            Issue.record("expected a ParseFailure")
        } catch {
            #expect(error.message == "3 bytes after the end of the DER key")
        }
    }
}
