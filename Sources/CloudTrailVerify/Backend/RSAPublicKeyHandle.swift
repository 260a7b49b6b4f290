internal import CCloudTrailOpenSSL

/// An RSA public key held by OpenSSL (`EVP_PKEY`), freed when the handle goes.
///
/// `EVP_PKEY` is only read after construction, and OpenSSL 3 allows concurrent
/// verification with one key as long as each call has its own `EVP_MD_CTX`.
internal final class RSAPublicKeyHandle: @unchecked Sendable {
    private let key: OpaquePointer

    /// Why OpenSSL refused a key.
    struct ParseFailure: Error {
        var message: String
    }

    private init(key: OpaquePointer) throws(ParseFailure) {
        self.key = key
        guard EVP_PKEY_is_a(key, "RSA") == 1 else {
            throw ParseFailure(message: "not an RSA key")
        }
    }

    deinit { EVP_PKEY_free(key) }

    /// Parses a DER `RSAPublicKey` (PKCS#1), the form CloudTrail's ListPublicKeys returns.
    convenience init(pkcs1DER der: [UInt8]) throws(ParseFailure) {
        try self.init(key: Self.decode(der, as: "a DER PKCS#1 RSAPublicKey") { cursor, count in
            d2i_PublicKey(EVP_PKEY_RSA, nil, cursor, count)
        })
    }

    /// Parses a DER `SubjectPublicKeyInfo` (what a `PUBLIC KEY` PEM block holds).
    convenience init(subjectPublicKeyInfoDER der: [UInt8]) throws(ParseFailure) {
        try self.init(key: Self.decode(der, as: "a DER SubjectPublicKeyInfo") { cursor, count in
            d2i_PUBKEY(nil, cursor, count)
        })
    }

    /// Runs one of OpenSSL's `d2i_*` decoders over all of `der`: bytes left over are an error too.
    private static func decode(
        _ der: [UInt8], as what: String,
        with decoder: (UnsafeMutablePointer<UnsafePointer<UInt8>?>, Int) -> OpaquePointer?
    ) throws(ParseFailure) -> OpaquePointer {
        let parsed: (OpaquePointer?, Int) = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            let key = decoder(&cursor, buffer.count)
            let consumed = cursor.map { $0 - buffer.baseAddress! } ?? 0
            return (key, consumed)
        }
        guard let key = parsed.0 else {
            throw ParseFailure(message: "not \(what) (\(OpenSSLErrorQueue.drain()))")
        }
        guard parsed.1 == der.count else {
            EVP_PKEY_free(key)
            throw ParseFailure(message: "\(der.count - parsed.1) bytes after the end of the DER key")
        }
        return key
    }

    /// The modulus size in bits.
    var bitCount: Int { Int(EVP_PKEY_get_bits(key)) }

    /// The key re-encoded as DER PKCS#1 `RSAPublicKey`: the bytes CloudTrail fingerprints.
    var pkcs1DER: [UInt8] {
        var output: UnsafeMutablePointer<UInt8>? = nil
        let length = i2d_PublicKey(key, &output)
        guard length > 0, let output else { return [] }
        defer { ct_openssl_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: Int(length)))
    }

    /// The key re-encoded as DER `SubjectPublicKeyInfo`: the form AWS's user-guide sample fingerprints.
    var subjectPublicKeyInfoDER: [UInt8] {
        var output: UnsafeMutablePointer<UInt8>? = nil
        let length = i2d_PUBKEY(key, &output)
        guard length > 0, let output else { return [] }
        defer { ct_openssl_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: Int(length)))
    }

    /// Checks an RSASSA-PKCS1-v1_5 signature with SHA-256 over `message`.
    ///
    /// Returns `false` for any failure, malformed signatures included: a bad
    /// signature is a finding, not an error.
    func verifySHA256(signature: [UInt8], message: [UInt8]) -> Bool {
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit_ex(context, nil, "SHA256", nil, nil, key, nil) == 1 else {
            _ = OpenSSLErrorQueue.drain()
            return false
        }
        let result = signature.withUnsafeBufferPointer { sig in
            message.withUnsafeBufferPointer { msg in
                EVP_DigestVerify(context, sig.baseAddress, sig.count, msg.baseAddress, msg.count)
            }
        }
        if result != 1 { _ = OpenSSLErrorQueue.drain() }
        return result == 1
    }
}
