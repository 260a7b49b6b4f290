import Foundation

/// A CloudTrail public key: the RSA key that checks digest signatures in one region
/// during its validity window.
struct PublicKey: Sendable, Hashable {
    /// Hex MD5 of the key's bytes as the key file gives them (a JSON `Value`, PKCS#1 or
    /// SubjectPublicKeyInfo), computed here (never taken on trust from the key file). For a
    /// PEM or DER file it is the MD5 of ``derPKCS1``, the form ListPublicKeys serves.
    var fingerprint: String
    /// Every fingerprint a digest may name this key by: ``fingerprint`` first, then the MD5 of
    /// ``derPKCS1`` and of the key's DER SubjectPublicKeyInfo form, when they differ from it.
    /// ListPublicKeys fingerprints the PKCS#1 form; AWS's own user-guide sample fingerprints a
    /// key by its SPKI bytes. It is the key, not its wrapping, that signs.
    var fingerprints: [String]
    /// The region whose digests this key may sign; `nil` when the key file is bound to no
    /// region (by name, folder or `REGION=PATH`): such a key serves every region, and the
    /// region check is not made for it.
    var region: String?
    /// Start of the validity window; `nil` when the key file does not say (DER/PEM files).
    var validityStart: Date?
    /// End of the validity window; `nil` when the key file does not say.
    var validityEnd: Date?
    /// The key as DER PKCS#1 `RSAPublicKey`.
    var derPKCS1: [UInt8]
    /// RSA modulus size.
    var bitCount: Int
    /// The file the key came from.
    var sourcePath: String

    let handle: RSAPublicKeyHandle

    /// Whether a digest's `digestPublicKeyFingerprint` (lower-case hex) names this key.
    func answers(to fingerprint: String) -> Bool {
        fingerprints.contains(fingerprint)
    }

    /// Whether this key may sign digests of `region`.
    func serves(region: String) -> Bool {
        self.region.map { $0 == region } ?? true
    }

    static func == (lhs: PublicKey, rhs: PublicKey) -> Bool {
        lhs.fingerprint == rhs.fingerprint && lhs.region == rhs.region && lhs.validityStart == rhs.validityStart
            && lhs.validityEnd == rhs.validityEnd && lhs.sourcePath == rhs.sourcePath
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(fingerprint)
        hasher.combine(region)
        hasher.combine(sourcePath)
    }

    /// Whether the validity window contains `date` (bounds included).
    func isValid(at date: Date) -> Bool {
        isValid(from: date, to: date)
    }

    /// Whether the validity window overlaps `start...end` (bounds included).
    func isValid(from start: Date, to end: Date) -> Bool {
        if let validityStart, end < validityStart { return false }
        if let validityEnd, start > validityEnd { return false }
        return true
    }

    /// Hex MD5 of DER bytes: CloudTrail's key fingerprint.
    static func fingerprint(ofDER der: [UInt8]) -> String {
        MessageDigestAlgorithm.md5.hash(der).hexString
    }

    /// Checks an RSA-SHA256 PKCS#1 v1.5 signature made by this key.
    func verifies(signature: [UInt8], over message: [UInt8]) -> Bool {
        handle.verifySHA256(signature: signature, message: message)
    }
}

extension Sequence<UInt8> {
    /// Lower-case hex.
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

enum Hex {
    /// `text.lowercased()`, without making a new string when there is nothing to lower (hex as CloudTrail
    /// writes it): this runs for every log file.
    static func lowercased(_ text: String) -> String {
        var copy = text
        let hasUpper = copy.withUTF8 { bytes in bytes.contains { $0 >= 0x41 && $0 <= 0x5a } }
        return hasUpper ? text.lowercased() : text
    }

    /// Decodes hex (either case); `nil` on an odd length or a non-hex character.
    static func decode(_ text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        guard bytes.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x61...0x66: return c - 0x61 + 10
            case 0x41...0x46: return c - 0x41 + 10
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count / 2)
        var index = 0
        while index < bytes.count {
            guard let high = nibble(bytes[index]), let low = nibble(bytes[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}
