import Foundation

/// The public keys available for checking digest signatures, per region.
///
/// Accepts what `aws cloudtrail list-public-keys` prints (CLI v1 epoch seconds or
/// CLI v2 ISO-8601 times) and the shape of AWS's user-guide sample (`publicKeyList`,
/// times as numeric strings, a `Value` that is SubjectPublicKeyInfo rather than PKCS#1):
/// field names in any case, times as numbers, numeric strings or ISO-8601. Also DER files
/// (PKCS#1 or SubjectPublicKeyInfo) and PEM files holding `RSA PUBLIC KEY` or `PUBLIC KEY`
/// blocks. A file is recognised by its content, not its name.
struct PublicKeyStore: Sendable {
    /// Every loaded key.
    private(set) var keys: [PublicKey] = []
    /// The key files read.
    private(set) var files: [String] = []
    /// The key files bound to no region (by file name, folder or `REGION=PATH`): their keys
    /// serve every region, so the region check is not made for them.
    private(set) var unboundFiles: [String] = []

    /// Keys shorter than this are refused: CloudTrail signs with RSA-2048.
    static let minimumKeyBits = 2048
    /// Key files larger than this are refused before parsing.
    static let maximumKeyFileSize = 4 * 1024 * 1024

    init() {}

    /// Loads every source. Throws on the first unusable file, naming it.
    init(sources: [PublicKeySource]) throws(CloudTrailVerifyError) {
        for source in sources {
            try load(source)
        }
    }

    /// The regions that have at least one key bound to them.
    var regions: Set<String> { Set(keys.compactMap(\.region)) }

    /// Whether some key may sign digests of `region`: one bound to it, or one bound to none.
    func hasKeys(for region: String) -> Bool {
        keys.contains { $0.serves(region: region) }
    }

    /// What looking a digest's key up found.
    enum Resolution: Sendable {
        case found(PublicKey)
        /// No key anywhere has this fingerprint.
        case unknownFingerprint
        /// Keys with this fingerprint exist, but only bound to other regions.
        case wrongRegion([String])
        /// The region has this key, but its validity window does not contain the digest's time.
        case notValidAt([PublicKey])
    }

    /// Finds the key that may have signed a digest of `region` ending at `date`.
    ///
    /// With a `tolerance`, a key whose window comes within that much of `date` also counts
    /// (a backfill digest's keys are looked up an hour either side of its generation time).
    func resolve(fingerprint: String, region: String, at date: Date, tolerance: TimeInterval = 0) -> Resolution {
        let wanted = Hex.lowercased(fingerprint)
        let matching = keys.filter { $0.answers(to: wanted) }
        if matching.isEmpty { return .unknownFingerprint }
        let inRegion = matching.filter { $0.serves(region: region) }
        if inRegion.isEmpty { return .wrongRegion(Array(Set(matching.compactMap(\.region))).sorted()) }
        if let key = inRegion.first(where: { $0.isValid(from: date.addingTimeInterval(-tolerance), to: date.addingTimeInterval(tolerance)) }) {
            return .found(key)
        }
        return .notValidAt(inRegion)
    }

    // MARK: Loading

    static func looksLikeRegion(_ text: String) -> Bool {
        // us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-5, us-isob-east-1
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, let last = parts.last, !last.isEmpty, last.allSatisfy(\.isASCIIDigit) else { return false }
        return parts.dropLast().allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isLowercase } }
    }

    private static let keyFileExtensions: Set<String> = ["json", "pem", "der", "key", "pub"]

    private mutating func load(_ source: PublicKeySource) throws(CloudTrailVerifyError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source.path, isDirectory: &isDirectory) else {
            throw CloudTrailVerifyError(.unreadableInput, "public key path does not exist", path: source.path)
        }
        if !isDirectory.boolValue {
            // A file given by itself is read whatever its name (`list-public-keys > keys.json`).
            try loadFile(source.path, region: source.region ?? Self.region(fromFileName: source.path))
            return
        }
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: source.path).sorted()
        } catch {
            throw CloudTrailVerifyError(.unreadableInput, "cannot list public key folder", path: source.path)
        }
        var loadedAny = false
        for entry in entries where !entry.hasPrefix(".") {
            let path = (source.path as NSString).appendingPathComponent(entry)
            var entryIsDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &entryIsDirectory), entryIsDirectory.boolValue {
                // keys/us-east-1/… binds everything inside to that region.
                guard source.region == nil, Self.looksLikeRegion(entry) else { continue }
                try load(PublicKeySource(path: path, region: entry))
                loadedAny = true
                continue
            }
            let ext = (entry as NSString).pathExtension.lowercased()
            guard Self.keyFileExtensions.contains(ext) else { continue }
            try loadFile(path, region: source.region ?? Self.region(fromFileName: path))
            loadedAny = true
        }
        if !loadedAny {
            throw CloudTrailVerifyError(.malformedKeyFile, "public key folder holds no key files",
                                        path: source.path, expected: "*.json, *.pem, *.der, *.key, *.pub files or <region>/ folders")
        }
    }

    /// `us-east-1.json` → `us-east-1`; `nil` when the name is not a region (the file then serves every region).
    private static func region(fromFileName path: String) -> String? {
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return looksLikeRegion(stem) ? stem : nil
    }

    private mutating func loadFile(_ path: String, region: String?) throws(CloudTrailVerifyError) {
        let bytes: [UInt8]
        switch RegularFile.read(path, limit: Self.maximumKeyFileSize) {
        case .success(let read): bytes = read
        case .failure(.tooLarge(let size)):
            throw CloudTrailVerifyError(.malformedKeyFile, "public key file is too large", path: path,
                                        expected: "at most \(Self.maximumKeyFileSize) bytes", found: "\(size) bytes")
        case .failure(let problem):
            throw CloudTrailVerifyError(.unreadableInput, "cannot read public key file (\(problem.message))", path: path)
        }
        let loaded = try Self.keys(fromFileBytes: bytes, path: path, region: region)
        keys.append(contentsOf: loaded)
        files.append(path)
        if region == nil { unboundFiles.append(path) }
    }

    /// Parses the bytes of one key file of any accepted kind: list-public-keys JSON, PEM, or DER.
    static func keys(fromFileBytes raw: [UInt8], path: String, region: String?) throws(CloudTrailVerifyError) -> [PublicKey] {
        let bytes = Self.withoutByteOrderMark(raw)
        let firstNonSpace = bytes.first { !Self.isSpace($0) }
        let loaded: [PublicKey]
        if bytes.isEmpty || firstNonSpace == nil {
            throw CloudTrailVerifyError(.malformedKeyFile, "public key file is empty", path: path)
        } else if firstNonSpace == UInt8(ascii: "{") || firstNonSpace == UInt8(ascii: "[") {
            loaded = try Self.parseListPublicKeys(bytes, path: path, region: region)
        } else if let text = String(validating: bytes, as: UTF8.self), text.contains("-----BEGIN") {
            loaded = try Self.parsePEM(text, path: path, region: region)
        } else {
            loaded = [try Self.makeKey(derOfUnknownKind: bytes, path: path, region: region)]
        }
        if loaded.isEmpty {
            throw CloudTrailVerifyError(.malformedKeyFile, "public key file holds no keys", path: path)
        }
        return loaded
    }

    /// Text saved with a byte order mark, as Windows PowerShell's `>` writes it (UTF-16) or
    /// `Out-File -Encoding utf8` (UTF-8), as UTF-8 without it; any other bytes unchanged.
    static func withoutByteOrderMark(_ bytes: [UInt8]) -> [UInt8] {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return Array(bytes.dropFirst(3)) }
        let littleEndian = bytes.starts(with: [0xFF, 0xFE])
        guard littleEndian || bytes.starts(with: [0xFE, 0xFF]), bytes.count % 2 == 0 else { return bytes }
        let units = stride(from: 2, to: bytes.count, by: 2).map { index in
            littleEndian ? UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8 : UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
        }
        // An unpaired surrogate becomes U+FFFD, which no key file's JSON accepts where it matters.
        return Array(String(decoding: units, as: UTF16.self).utf8)
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0a || byte == 0x0d || byte == 0x09
    }

    /// Base64 with any white space inside (line breaks in PEM, wrapped JSON values).
    static func decodeBase64(_ text: some StringProtocol) -> [UInt8]? {
        let compact = String(decoding: text.utf8.filter { !isSpace($0) }, as: UTF8.self)
        guard !compact.isEmpty, let data = Data(base64Encoded: compact) else { return nil }
        return [UInt8](data)
    }

    /// The member named `name` in any letter case (`PublicKeyList`, `publicKeyList`, `value`…).
    /// Two members that differ only in case are refused: which one counts would be a guess.
    private static func member(_ object: StrictJSON.Value, _ name: String, place: String) throws(CloudTrailVerifyError) -> StrictJSON.Value? {
        let wanted = name.lowercased()
        let found = (object.members ?? []).filter { $0.0.lowercased() == wanted }
        guard found.count <= 1 else {
            throw CloudTrailVerifyError(.malformedKeyFile, "key JSON names \(name) twice, in different letter case", path: place,
                                        found: found.map(\.0).joined(separator: ", "))
        }
        return found.first?.1
    }

    private static func parseListPublicKeys(_ bytes: [UInt8], path: String, region: String?) throws(CloudTrailVerifyError) -> [PublicKey] {
        let document: StrictJSON.Value
        do {
            document = try StrictJSON.parse(bytes)
        } catch {
            throw CloudTrailVerifyError(.malformedKeyFile, "public key file is not valid JSON (\(error))", path: path)
        }
        let list: [StrictJSON.Value]
        if case .array(let entries)? = try member(document, "PublicKeyList", place: path) {
            list = entries
        } else if case .array(let entries) = document {
            list = entries
        } else if document.members != nil, try member(document, "Value", place: path) != nil {
            // One key, as `--query 'PublicKeyList[0]'` prints it.
            list = [document]
        } else {
            throw CloudTrailVerifyError(.malformedKeyFile, "public key JSON has no PublicKeyList", path: path,
                                        expected: "the output of aws cloudtrail list-public-keys")
        }
        var keys: [PublicKey] = []
        for (index, entry) in list.enumerated() {
            let place = "\(path) (PublicKeyList[\(index)])"
            guard entry.members != nil else {
                throw CloudTrailVerifyError(.malformedKeyFile, "key entry is not an object", path: place)
            }
            guard case .string(let value)? = try member(entry, "Value", place: place), let der = decodeBase64(value) else {
                throw CloudTrailVerifyError(.malformedKeyFile, "key entry has no base64 Value", path: place)
            }
            let start = try time(try member(entry, "ValidityStartTime", place: place), name: "ValidityStartTime", place: place)
            let end = try time(try member(entry, "ValidityEndTime", place: place), name: "ValidityEndTime", place: place)
            if let start, let end, end < start {
                throw CloudTrailVerifyError(.malformedKeyFile, "key validity ends before it starts", path: place)
            }
            // ListPublicKeys serves PKCS#1, but AWS's user-guide sample also shows a SubjectPublicKeyInfo
            // Value, fingerprinted by those bytes: both are read, and the fingerprint is of the bytes given.
            var key = try makeKey(valueDER: der, path: path, place: place, region: region)
            key.validityStart = start
            key.validityEnd = end
            if let stated = try member(entry, "Fingerprint", place: place) {
                // The stated fingerprint must be the key's, in the form given or as PKCS#1.
                guard case .string(let text) = stated, key.answers(to: text.lowercased()) else {
                    throw CloudTrailVerifyError(
                        .fingerprintMismatch, "stated Fingerprint is not the MD5 of the key", path: place,
                        expected: key.fingerprint, found: { if case .string(let text) = stated { return text }; return "a non-string" }())
                }
            }
            keys.append(key)
        }
        return keys
    }

    private static func time(_ value: StrictJSON.Value?, name: String, place: String) throws(CloudTrailVerifyError) -> Date? {
        switch value {
        case nil, .null?:
            return nil
        case .string(let text)?:
            if let date = CloudTrailTime.parse(text) { return date }
            if let seconds = Double(text), seconds.isFinite { return Date(timeIntervalSince1970: seconds) }
            throw CloudTrailVerifyError(.malformedKeyFile, "\(name) is not a time", path: place, found: text)
        case .number(let text)?:
            // AWS CLI v1 prints epoch seconds (1453076702.0).
            guard let seconds = Double(text), seconds.isFinite else {
                throw CloudTrailVerifyError(.malformedKeyFile, "\(name) is not a time", path: place, found: text)
            }
            return Date(timeIntervalSince1970: seconds)
        default:
            throw CloudTrailVerifyError(.malformedKeyFile, "\(name) is not a time", path: place)
        }
    }

    private static func parsePEM(_ text: String, path: String, region: String?) throws(CloudTrailVerifyError) -> [PublicKey] {
        var keys: [PublicKey] = []
        var remaining = Substring(text)
        while let begin = remaining.range(of: "-----BEGIN ") {
            guard let labelEnd = remaining[begin.upperBound...].range(of: "-----") else {
                throw CloudTrailVerifyError(.malformedKeyFile, "truncated PEM header", path: path)
            }
            let label = String(remaining[begin.upperBound..<labelEnd.lowerBound])
            let footer = "-----END \(label)-----"
            guard let end = remaining[labelEnd.upperBound...].range(of: footer) else {
                throw CloudTrailVerifyError(.malformedKeyFile, "PEM block has no end line", path: path,
                                            expected: footer)
            }
            let body = remaining[labelEnd.upperBound..<end.lowerBound]
            guard let der = decodeBase64(body) else {
                throw CloudTrailVerifyError(.malformedKeyFile, "PEM block is not base64", path: path, found: label)
            }
            switch label {
            case "RSA PUBLIC KEY":
                keys.append(try makeKey(pkcs1DER: der, path: path, place: path, region: region))
            case "PUBLIC KEY":
                keys.append(try makeKey(spkiDER: der, path: path, region: region))
            default:
                throw CloudTrailVerifyError(.malformedKeyFile, "PEM block is not a public key", path: path,
                                            expected: "RSA PUBLIC KEY or PUBLIC KEY", found: label)
            }
            remaining = remaining[end.upperBound...]
        }
        return keys
    }

    /// A DER file: PKCS#1 or SubjectPublicKeyInfo, named by its PKCS#1 form's MD5 like a ListPublicKeys key.
    private static func makeKey(derOfUnknownKind der: [UInt8], path: String, region: String?) throws(CloudTrailVerifyError) -> PublicKey {
        if let handle = try? RSAPublicKeyHandle(pkcs1DER: der) {
            return try finish(handle: handle, given: der, givenIsPKCS1: true, primaryIsGiven: true, path: path, place: path, region: region)
        }
        return try makeKey(spkiDER: der, path: path, region: region)
    }

    /// A list-public-keys `Value`: PKCS#1 or SubjectPublicKeyInfo, named by the MD5 of the bytes given.
    private static func makeKey(valueDER der: [UInt8], path: String, place: String, region: String?) throws(CloudTrailVerifyError) -> PublicKey {
        let handle: RSAPublicKeyHandle
        let isPKCS1: Bool
        do {
            handle = try RSAPublicKeyHandle(pkcs1DER: der)
            isPKCS1 = true
        } catch {
            do {
                handle = try RSAPublicKeyHandle(subjectPublicKeyInfoDER: der)
                isPKCS1 = false
            } catch {
                throw CloudTrailVerifyError(.malformedKeyFile, "not an RSA public key: \(error.message)", path: place,
                                            expected: "DER PKCS#1 RSAPublicKey or SubjectPublicKeyInfo")
            }
        }
        return try finish(handle: handle, given: der, givenIsPKCS1: isPKCS1, primaryIsGiven: true, path: path, place: place, region: region)
    }

    private static func makeKey(spkiDER der: [UInt8], path: String, region: String?) throws(CloudTrailVerifyError) -> PublicKey {
        let handle: RSAPublicKeyHandle
        do {
            handle = try RSAPublicKeyHandle(subjectPublicKeyInfoDER: der)
        } catch {
            throw CloudTrailVerifyError(.malformedKeyFile, "not an RSA public key: \(error.message)", path: path,
                                        expected: "DER PKCS#1 RSAPublicKey or SubjectPublicKeyInfo")
        }
        return try finish(handle: handle, given: der, givenIsPKCS1: false, primaryIsGiven: false, path: path, place: path, region: region)
    }

    private static func makeKey(pkcs1DER der: [UInt8], path: String, place: String, region: String?) throws(CloudTrailVerifyError) -> PublicKey {
        let handle: RSAPublicKeyHandle
        do {
            handle = try RSAPublicKeyHandle(pkcs1DER: der)
        } catch {
            throw CloudTrailVerifyError(.malformedKeyFile, "not an RSA public key: \(error.message)", path: place,
                                        expected: "DER PKCS#1 RSAPublicKey")
        }
        return try finish(handle: handle, given: der, givenIsPKCS1: true, primaryIsGiven: true, path: path, place: place, region: region)
    }

    /// `given` is the key's bytes as the file holds them. A digest may name the key by their MD5, by
    /// the MD5 of its PKCS#1 form, or by the MD5 of its SubjectPublicKeyInfo form (OpenSSL's canonical
    /// re-encodings): it is the key, not its wrapping, that signs.
    /// `primaryIsGiven` says which of the two is ``PublicKey/fingerprint``: the given bytes' for a JSON
    /// `Value` (what its `Fingerprint` states), the PKCS#1 form's for a PEM or DER file.
    private static func finish(handle: RSAPublicKeyHandle, given: [UInt8], givenIsPKCS1: Bool, primaryIsGiven: Bool,
                               path: String, place: String, region: String?) throws(CloudTrailVerifyError) -> PublicKey {
        guard handle.bitCount >= minimumKeyBits else {
            throw CloudTrailVerifyError(.malformedKeyFile, "RSA key is too small", path: place,
                                        expected: "at least \(minimumKeyBits) bits", found: "\(handle.bitCount) bits")
        }
        let pkcs1 = givenIsPKCS1 ? given : handle.pkcs1DER
        let ofGiven = PublicKey.fingerprint(ofDER: given)
        let ofPKCS1 = PublicKey.fingerprint(ofDER: pkcs1)
        let primary = primaryIsGiven ? ofGiven : ofPKCS1
        var fingerprints = [primary]
        for other in [ofPKCS1, ofGiven, PublicKey.fingerprint(ofDER: handle.subjectPublicKeyInfoDER)] where !fingerprints.contains(other) {
            fingerprints.append(other)
        }
        return PublicKey(fingerprint: primary, fingerprints: fingerprints,
                         region: region, validityStart: nil, validityEnd: nil, derPKCS1: pkcs1, bitCount: handle.bitCount,
                         sourcePath: path, handle: handle)
    }
}
