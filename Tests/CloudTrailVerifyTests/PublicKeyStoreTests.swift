import Foundation
import Testing
@testable import CloudTrailVerify

@Suite("PublicKeyStore")
struct PublicKeyStoreTests {
    static let realFingerprint = "7f3f401420072e50a65a141430817ab3"

    /// Loads one source, returning the error it throws (or `nil`).
    static func loadError(_ sources: [PublicKeySource]) -> CloudTrailVerifyError? {
        do {
            _ = try PublicKeyStore(sources: sources)
            return nil
        } catch {
            return error
        }
    }

    /// The clean vector's key file as JSON, so tests can alter it.
    static func cleanKeyEntry() throws -> [String: Any] {
        let object = try TestSupport.jsonObject(try TestSupport.bytes(atPath: TestSupport.Clean.keyFile))
        let list = try #require(object["PublicKeyList"] as? [[String: Any]])
        return try #require(list.first)
    }

    static func writeKeyList(_ entries: [[String: Any]], to path: String) throws {
        try TestSupport.write(try TestSupport.jsonBytes(["PublicKeyList": entries]), to: path)
    }

    // MARK: list-public-keys JSON

    @Test("the real AWS key's fingerprint is computed as 7f3f401420072e50a65a141430817ab3, with CLI v1 epoch times")
    func realAWSKey() throws {
        let store = try PublicKeyStore(sources: [PublicKeySource(path: TestSupport.realWorldKeyFile, region: "us-east-1")])
        #expect(store.keys.count == 1)
        let key = try #require(store.keys.first)
        #expect(key.fingerprint == Self.realFingerprint)
        #expect(key.region == "us-east-1")
        #expect(key.bitCount == 2048)
        #expect(key.validityStart == Date(timeIntervalSince1970: 1_453_076_702))
        #expect(key.validityEnd == Date(timeIntervalSince1970: 1_455_668_702))
        #expect(key.sourcePath == TestSupport.realWorldKeyFile)
        #expect(store.files == [TestSupport.realWorldKeyFile])
        #expect(store.regions == ["us-east-1"])
    }

    @Test("the fingerprint is the MD5 of the DER the JSON Value holds, computed independently", .enabled(if: TestSupport.hasOpenSSL))
    func fingerprintIsMD5OfDER() throws {
        let store = try PublicKeyStore(sources: [PublicKeySource(path: TestSupport.Clean.keyFile)])
        let key = try #require(store.keys.first)
        let value = try #require(try Self.cleanKeyEntry()["Value"] as? String)
        let der = [UInt8](try #require(Data(base64Encoded: value)))
        #expect(key.derPKCS1 == der)
        #expect(try TestSupport.md5Hex(der) == key.fingerprint)
        #expect(PublicKey.fingerprint(ofDER: der) == TestSupport.Clean.fingerprint)
    }

    @Test("reads CLI v2 ISO-8601 validity times and takes the region from the file name")
    func isoTimes() throws {
        let store = try PublicKeyStore(sources: [PublicKeySource(path: TestSupport.Clean.keyFile)])
        let key = try #require(store.keys.first)
        #expect(key.fingerprint == TestSupport.Clean.fingerprint)
        #expect(key.region == "us-east-1")
        #expect(key.validityStart == CloudTrailTime.parse("2025-01-01T00:00:00Z"))
        #expect(key.validityEnd == CloudTrailTime.parse("2025-07-01T00:00:00Z"))
    }

    @Test("reads several keys from one file (key rotation, epoch times)")
    func severalKeys() throws {
        let store = try PublicKeyStore(sources: [PublicKeySource(path: TestSupport.vector("key-rotation") + "/keys/us-east-1.json")])
        #expect(store.keys.map(\.fingerprint) == ["f30d2bd72ad3b4b714430e24f91f476f", "dafa0266141054b995ae2ff7a32e828f"])
        #expect(store.keys.first?.validityStart == Date(timeIntervalSince1970: 1_739_404_800))
    }

    @Test("accepts a bare JSON array, a missing Fingerprint, an upper-case Fingerprint and epoch times as text")
    func lenientJSONShapes() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            var entry = try Self.cleanKeyEntry()
            entry["Fingerprint"] = TestSupport.Clean.fingerprint.uppercased()
            entry["ValidityStartTime"] = "1735689600.0"
            try TestSupport.write(try TestSupport.jsonBytes([entry]), to: dir + "/us-east-1.json")
            var bare = try Self.cleanKeyEntry()
            bare["Fingerprint"] = nil
            bare["ValidityStartTime"] = nil
            bare["ValidityEndTime"] = NSNull()
            try Self.writeKeyList([bare], to: dir + "/eu-west-1.json")
            let store = try PublicKeyStore(sources: [PublicKeySource(path: dir)])
            #expect(store.keys.count == 2)
            let byRegion = Dictionary(uniqueKeysWithValues: store.keys.map { ($0.region, $0) })
            #expect(byRegion["us-east-1"]?.validityStart == Date(timeIntervalSince1970: 1_735_689_600))
            #expect(byRegion["eu-west-1"]?.fingerprint == TestSupport.Clean.fingerprint)
            #expect(byRegion["eu-west-1"]?.validityStart == nil)
            #expect(byRegion["eu-west-1"]?.validityEnd == nil)
        }
    }

    @Test("a stated Fingerprint that is not the key's MD5 is a fingerprintMismatch naming the file")
    func fingerprintMismatch() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            var entry = try Self.cleanKeyEntry()
            entry["Fingerprint"] = "00000000000000000000000000000000"
            let path = dir + "/us-east-1.json"
            try Self.writeKeyList([entry], to: path)
            let error = try #require(Self.loadError([PublicKeySource(path: path)]))
            #expect(error.code == .fingerprintMismatch)
            #expect(error.path?.contains(path) == true)
            #expect(error.description.contains(path))
            #expect(error.expected == TestSupport.Clean.fingerprint)
            #expect(error.found == "00000000000000000000000000000000")
        }
    }

    @Test("a Fingerprint that is not a string is a fingerprintMismatch")
    func fingerprintOfWrongType() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            var entry = try Self.cleanKeyEntry()
            entry["Fingerprint"] = 42
            let path = dir + "/us-east-1.json"
            try Self.writeKeyList([entry], to: path)
            #expect(Self.loadError([PublicKeySource(path: path)])?.code == .fingerprintMismatch)
        }
    }

    @Test("base64 with spaces and line breaks inside the JSON Value is accepted")
    func base64WithWhiteSpace() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            var entry = try Self.cleanKeyEntry()
            let value = try #require(entry["Value"] as? String)
            var wrapped = ""
            for (index, character) in value.enumerated() {
                if index > 0 && index % 64 == 0 { wrapped += "\r\n" }
                if index > 0 && index % 17 == 0 { wrapped += " \t" }
                wrapped.append(character)
            }
            entry["Value"] = "\n  " + wrapped + "\n"
            let path = dir + "/us-east-1.json"
            try Self.writeKeyList([entry], to: path)
            let store = try PublicKeyStore(sources: [PublicKeySource(path: path)])
            #expect(store.keys.first?.fingerprint == TestSupport.Clean.fingerprint)
        }
    }

    @Test("malformed JSON key files are malformedKeyFile errors", arguments: [
        "{", "{\"Keys\": []}", "{\"PublicKeyList\": [42]}", "{\"PublicKeyList\": [{\"Value\": 42}]}",
        "{\"PublicKeyList\": [{\"Value\": \"not base64!\"}]}", "{\"PublicKeyList\": [{\"Value\": \"\"}]}",
        "{\"PublicKeyList\": []}", "[]", "\"just a string\"",
    ])
    func malformedJSON(text: String) throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = dir + "/us-east-1.json"
            try TestSupport.write(text, to: path)
            let error = Self.loadError([PublicKeySource(path: path)])
            #expect(error?.code == .malformedKeyFile, "\(text)")
            #expect(error?.path?.contains(path) == true)
        }
    }

    @Test("a JSON Value that is base64 of something other than an RSA key is a malformedKeyFile")
    func jsonValueNotAKey() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            var entry = try Self.cleanKeyEntry()
            entry["Value"] = Data("hello, not a key".utf8).base64EncodedString()
            let path = dir + "/us-east-1.json"
            try Self.writeKeyList([entry], to: path)
            #expect(Self.loadError([PublicKeySource(path: path)])?.code == .malformedKeyFile)
        }
    }

    @Test("validity times that are not times, or end before they start, are malformedKeyFile errors")
    func badValidityTimes() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = dir + "/us-east-1.json"
            var entry = try Self.cleanKeyEntry()
            entry["ValidityStartTime"] = "yesterday"
            try Self.writeKeyList([entry], to: path)
            #expect(Self.loadError([PublicKeySource(path: path)])?.code == .malformedKeyFile)

            entry = try Self.cleanKeyEntry()
            entry["ValidityStartTime"] = ["nested": true]
            try Self.writeKeyList([entry], to: path)
            #expect(Self.loadError([PublicKeySource(path: path)])?.code == .malformedKeyFile)

            entry = try Self.cleanKeyEntry()
            entry["ValidityStartTime"] = "2025-07-01T00:00:00Z"
            entry["ValidityEndTime"] = "2025-01-01T00:00:00Z"
            try Self.writeKeyList([entry], to: path)
            #expect(Self.loadError([PublicKeySource(path: path)])?.code == .malformedKeyFile)
        }
    }

    // MARK: PEM and DER

    /// The public half of the clean vector's generator key in one openssl output form.
    static func openssl(_ arguments: [String]) throws -> [UInt8] {
        try TestSupport.runChecked(["openssl", "rsa", "-in", TestSupport.Clean.privateKey] + arguments)
    }

    @Test("PEM RSA PUBLIC KEY, PEM PUBLIC KEY, DER PKCS#1 and DER SubjectPublicKeyInfo give the JSON Value's fingerprint",
          .enabled(if: TestSupport.hasOpenSSL),
          arguments: [
            ("pkcs1.pem", ["-RSAPublicKey_out"]),
            ("spki.pem", ["-pubout"]),
            ("pkcs1.der", ["-RSAPublicKey_out", "-outform", "DER"]),
            ("spki.der", ["-pubout", "-outform", "DER"]),
          ])
    func sameFingerprintInEveryForm(name: String, arguments: [String]) throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let bytes = try Self.openssl(arguments)
            if name.hasSuffix(".pem") {
                let text = String(decoding: bytes, as: UTF8.self)
                #expect(text.contains(arguments.contains("-pubout") ? "BEGIN PUBLIC KEY" : "BEGIN RSA PUBLIC KEY"))
            }
            let path = dir + "/" + name
            try TestSupport.write(bytes, to: path)
            let store = try PublicKeyStore(sources: [PublicKeySource(path: path, region: "us-east-1")])
            let key = try #require(store.keys.first)
            #expect(key.fingerprint == TestSupport.Clean.fingerprint)
            #expect(key.bitCount == 2048)
            #expect(key.validityStart == nil)
            #expect(key.validityEnd == nil)
            // A DER/PEM key has no validity window, so it is valid at any time.
            #expect(key.isValid(at: Date(timeIntervalSince1970: 0)))
        }
    }

    @Test("a PEM file with several blocks and text around them yields every key", .enabled(if: TestSupport.hasOpenSSL))
    func pemWithSeveralBlocks() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let first = String(decoding: try Self.openssl(["-RSAPublicKey_out"]), as: UTF8.self)
            let second = String(decoding: try TestSupport.runChecked(
                ["openssl", "rsa", "-in", TestSupport.generatorKey("us-west-2-2025"), "-pubout"]), as: UTF8.self)
            let path = dir + "/keys.pem"
            try TestSupport.write("comment line\n" + first + "\nbetween\n" + second + "trailer\n", to: path)
            let store = try PublicKeyStore(sources: [PublicKeySource(path: path, region: "us-west-2")])
            #expect(store.keys.count == 2)
            #expect(store.keys.first?.fingerprint == TestSupport.Clean.fingerprint)
            #expect(Set(store.keys.map(\.region)) == ["us-west-2"])
        }
    }

    @Test("garbage bytes are a malformedKeyFile", arguments: [
        [UInt8]("hello world\n".utf8), [0x30, 0x82, 0x01], [0x00, 0x01, 0x02, 0x03], TestSupport.pseudoRandomBytes(count: 300),
    ])
    func garbage(bytes: [UInt8]) throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = dir + "/us-east-1.der"
            try TestSupport.write(bytes, to: path)
            let error = Self.loadError([PublicKeySource(path: path)])
            #expect(error?.code == .malformedKeyFile)
            #expect(error?.path == path)
        }
    }

    @Test("an empty or blank key file is a malformedKeyFile", arguments: ["", "  \n\t\n"])
    func emptyFile(text: String) throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = dir + "/us-east-1.pem"
            try TestSupport.write(text, to: path)
            #expect(Self.loadError([PublicKeySource(path: path)])?.code == .malformedKeyFile)
        }
    }

    @Test("truncated PEM is a malformedKeyFile", .enabled(if: TestSupport.hasOpenSSL), arguments: [
        "no end line", "half the body", "header only",
    ])
    func truncatedPEM(kind: String) throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let pem = String(decoding: try Self.openssl(["-pubout"]), as: UTF8.self)
            let lines = pem.split(separator: "\n").map(String.init)
            let text: String
            switch kind {
            case "no end line": text = lines.dropLast().joined(separator: "\n")
            case "half the body": text = ([lines[0]] + lines[1..<(lines.count / 2)] + [lines.last!]).joined(separator: "\n")
            default: text = "-----BEGIN PUBLIC KEY"
            }
            let path = dir + "/us-east-1.pem"
            try TestSupport.write(text, to: path)
            #expect(Self.loadError([PublicKeySource(path: path)])?.code == .malformedKeyFile)
        }
    }

    @Test("a PEM block whose body is not base64 is a malformedKeyFile")
    func pemNotBase64() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = dir + "/us-east-1.pem"
            try TestSupport.write("-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n", to: path)
            #expect(Self.loadError([PublicKeySource(path: path)])?.code == .malformedKeyFile)
        }
    }

    @Test("a private key PEM is refused as not a public key", .enabled(if: TestSupport.hasOpenSSL))
    func privateKeyPEM() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = dir + "/us-east-1.pem"
            try TestSupport.write(try TestSupport.bytes(atPath: TestSupport.Clean.privateKey), to: path)
            let error = Self.loadError([PublicKeySource(path: path)])
            #expect(error?.code == .malformedKeyFile)
            #expect(error?.expected == "RSA PUBLIC KEY or PUBLIC KEY")
        }
    }

    @Test("a public key that is not RSA is a malformedKeyFile", .enabled(if: TestSupport.hasOpenSSL),
          arguments: ["pem", "der"])
    func notRSA(format: String) throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let privateKey = dir + "/ec.pem"
            try TestSupport.runChecked(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", privateKey])
            let publicKey = try TestSupport.runChecked(["openssl", "ec", "-in", privateKey, "-pubout",
                                                        "-outform", format.uppercased()])
            let path = dir + "/us-east-1." + format
            try TestSupport.write(publicKey, to: path)
            let error = Self.loadError([PublicKeySource(path: path)])
            #expect(error?.code == .malformedKeyFile)
        }
    }

    @Test("an RSA key under 2048 bits is a malformedKeyFile", .enabled(if: TestSupport.hasOpenSSL),
          arguments: ["-pubout", "-RSAPublicKey_out"])
    func tooSmall(form: String) throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let privateKey = dir + "/small.pem"
            try TestSupport.runChecked(["openssl", "genrsa", "-out", privateKey, "1024"])
            let publicKey = try TestSupport.runChecked(["openssl", "rsa", "-in", privateKey, form])
            let path = dir + "/us-east-1.pem"
            try TestSupport.write(publicKey, to: path)
            let error = Self.loadError([PublicKeySource(path: path)])
            #expect(error?.code == .malformedKeyFile)
            #expect(error?.found == "1024 bits")
        }
    }

    @Test("a 1024-bit key in list-public-keys JSON is refused too", .enabled(if: TestSupport.hasOpenSSL))
    func tooSmallInJSON() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let privateKey = dir + "/small.pem"
            try TestSupport.runChecked(["openssl", "genrsa", "-out", privateKey, "1024"])
            let der = try TestSupport.runChecked(["openssl", "rsa", "-in", privateKey, "-RSAPublicKey_out", "-outform", "DER"])
            let path = dir + "/us-east-1.json"
            try Self.writeKeyList([["Value": Data(der).base64EncodedString()]], to: path)
            #expect(Self.loadError([PublicKeySource(path: path)])?.code == .malformedKeyFile)
        }
    }

    @Test("a DER key followed by extra bytes is refused", .enabled(if: TestSupport.hasOpenSSL))
    func derWithTrailingBytes() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let der = try Self.openssl(["-RSAPublicKey_out", "-outform", "DER"])
            let path = dir + "/us-east-1.der"
            try TestSupport.write(der + [0x00, 0x00], to: path)
            #expect(Self.loadError([PublicKeySource(path: path)])?.code == .malformedKeyFile)
        }
    }

    @Test("a key file larger than the limit is refused before parsing")
    func tooLarge() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = dir + "/us-east-1.json"
            try TestSupport.write([UInt8](repeating: 0x20, count: PublicKeyStore.maximumKeyFileSize + 1), to: path)
            let error = Self.loadError([PublicKeySource(path: path)])
            #expect(error?.code == .malformedKeyFile)
            #expect(error?.message.contains("too large") == true)
        }
    }

    // MARK: Regions

    @Test("REGION=PATH sets the region; a PATH alone or a non-region before = leaves it to the file name")
    func sourceArgument() {
        let given = PublicKeySource(argument: "eu-west-1=/keys/aws.json")
        #expect(given.region == "eu-west-1")
        #expect(given.path == "/keys/aws.json")
        let plain = PublicKeySource(argument: "/keys/us-east-1.json")
        #expect(plain.region == nil)
        #expect(plain.path == "/keys/us-east-1.json")
        let notRegion = PublicKeySource(argument: "my=keys/us-east-1.json")
        #expect(notRegion.region == nil)
        #expect(notRegion.path == "my=keys/us-east-1.json")
        let govCloud = PublicKeySource(argument: "us-gov-west-1=k.pem")
        #expect(govCloud.region == "us-gov-west-1")
    }

    @Test("region names are recognized by shape", arguments: [
        ("us-east-1", true), ("eu-central-2", true), ("us-gov-west-1", true), ("cn-north-1", true),
        ("us-isob-east-1", true), ("ap-southeast-5", true), ("list-public-keys", false), ("us-east", false),
        ("US-EAST-1", false), ("us--1", false), ("us-east-", false), ("keys", false), ("", false), ("us-east-1a", false),
    ])
    func regionShape(text: String, isRegion: Bool) {
        #expect(PublicKeyStore.looksLikeRegion(text) == isRegion)
    }

    @Test("a REGION=PATH source binds a file without a region-like name")
    func regionFromArgument() throws {
        let source = PublicKeySource(argument: "ap-south-1=" + TestSupport.realWorldKeyFile)
        let store = try PublicKeyStore(sources: [source])
        #expect(store.keys.first?.region == "ap-south-1")
    }

    @Test("a keys/<region>/ folder binds every file inside to that region", .enabled(if: TestSupport.hasOpenSSL))
    func regionFromFolder() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            try TestSupport.createDirectory(dir + "/us-west-2")
            try TestSupport.write(try Self.openssl(["-pubout"]), to: dir + "/us-west-2/whatever.pem")
            try TestSupport.write(try TestSupport.bytes(atPath: TestSupport.realWorldKeyFile), to: dir + "/us-west-2/aws.json")
            try TestSupport.write(try TestSupport.bytes(atPath: TestSupport.Clean.keyFile), to: dir + "/eu-west-1.json")
            try TestSupport.write("ignored", to: dir + "/README.txt")
            try TestSupport.createDirectory(dir + "/not-a-region-folder")
            try TestSupport.write("garbage", to: dir + "/not-a-region-folder/garbage.pem")
            try TestSupport.write("garbage", to: dir + "/.hidden.pem")
            let store = try PublicKeyStore(sources: [PublicKeySource(path: dir)])
            #expect(store.keys.count == 3)
            let regions = Dictionary(grouping: store.keys, by: \.region).mapValues { Set($0.map(\.fingerprint)) }
            #expect(regions["us-west-2"] == [TestSupport.Clean.fingerprint, Self.realFingerprint])
            #expect(regions["eu-west-1"] == [TestSupport.Clean.fingerprint])
            #expect(store.regions == ["us-west-2", "eu-west-1"])
        }
    }

    @Test("a folder source with a region binds every file in it, whatever their names")
    func regionGivenForFolder() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            try TestSupport.write(try TestSupport.bytes(atPath: TestSupport.realWorldKeyFile), to: dir + "/aws-keys.json")
            let store = try PublicKeyStore(sources: [PublicKeySource(argument: "sa-east-1=" + dir)])
            #expect(store.keys.map(\.region) == ["sa-east-1"])
        }
    }

    @Test("a key file recognised by its content whatever its name (list-public-keys > keys.json) serves every region")
    func unboundKeyFile() throws {
        let store = try PublicKeyStore(sources: [PublicKeySource(path: TestSupport.realWorldKeyFile)])
        let key = try #require(store.keys.first)
        #expect(key.region == nil)
        #expect(store.unboundFiles == [TestSupport.realWorldKeyFile])
        #expect(store.regions.isEmpty)
        #expect(store.hasKeys(for: "eu-central-2"))
        let inWindow = Date(timeIntervalSince1970: 1_454_000_000)
        for region in ["us-east-1", "ap-southeast-5"] {
            guard case .found = store.resolve(fingerprint: Self.realFingerprint, region: region, at: inWindow) else {
                Issue.record("an unbound key must serve \(region)")
                continue
            }
        }
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            try TestSupport.write(try TestSupport.bytes(atPath: TestSupport.realWorldKeyFile), to: dir + "/keys.json")
            try TestSupport.write(try TestSupport.bytes(atPath: TestSupport.Clean.keyFile), to: dir + "/us-east-1.json")
            let store = try PublicKeyStore(sources: [PublicKeySource(path: dir)])
            #expect(store.unboundFiles == [dir + "/keys.json"])
            #expect(store.regions == ["us-east-1"])
            #expect(Set(store.keys.map(\.region)) == [nil, "us-east-1"])
            // A bound key stays bound: the clean key does not serve another region.
            guard case .wrongRegion(let regions) = store.resolve(fingerprint: TestSupport.Clean.fingerprint, region: "us-west-2",
                                                                 at: Date(timeIntervalSince1970: 1_740_000_000)) else {
                Issue.record("a bound key must not serve another region")
                return
            }
            #expect(regions == ["us-east-1"])
        }
    }

    // MARK: Every key shape AWS has published

    /// The clean key as DER SubjectPublicKeyInfo, made by OpenSSL.
    static func cleanSPKI() throws -> [UInt8] {
        try Self.openssl(["-pubout", "-outform", "DER"])
    }

    @Test("a JSON Value holding SubjectPublicKeyInfo is read; its fingerprint is the MD5 of those bytes, and digests may also name it by its PKCS#1 form's MD5",
          .enabled(if: TestSupport.hasOpenSSL))
    func spkiValue() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let spki = try Self.cleanSPKI()
            let spkiFingerprint = try TestSupport.md5Hex(spki)
            #expect(spkiFingerprint != TestSupport.Clean.fingerprint)
            var entry = try Self.cleanKeyEntry()
            entry["Value"] = Data(spki).base64EncodedString()
            entry["Fingerprint"] = spkiFingerprint
            try Self.writeKeyList([entry], to: dir + "/us-east-1.json")
            let store = try PublicKeyStore(sources: [PublicKeySource(path: dir + "/us-east-1.json")])
            let key = try #require(store.keys.first)
            #expect(key.fingerprint == spkiFingerprint)
            #expect(key.fingerprints == [spkiFingerprint, TestSupport.Clean.fingerprint])
            // And the other way round: the PKCS#1 key ListPublicKeys serves answers to its SPKI form's MD5.
            let pkcs1Key = try #require(try PublicKeyStore(sources: [PublicKeySource(path: TestSupport.Clean.keyFile)]).keys.first)
            #expect(pkcs1Key.fingerprints == [TestSupport.Clean.fingerprint, spkiFingerprint])
            #expect(PublicKey.fingerprint(ofDER: key.derPKCS1) == TestSupport.Clean.fingerprint)
            let date = Date(timeIntervalSince1970: 1_740_000_000)
            for named in [spkiFingerprint, TestSupport.Clean.fingerprint] {
                guard case .found(let found) = store.resolve(fingerprint: named, region: "us-east-1", at: date) else {
                    Issue.record("a digest naming \(named) must find the SPKI key")
                    continue
                }
                #expect(found.sourcePath == dir + "/us-east-1.json")
            }
            // A stated Fingerprint of the PKCS#1 form names the same key; anything else is a mismatch.
            entry["Fingerprint"] = TestSupport.Clean.fingerprint
            try Self.writeKeyList([entry], to: dir + "/eu-west-1.json")
            #expect(Self.loadError([PublicKeySource(path: dir + "/eu-west-1.json")]) == nil)
            entry["Fingerprint"] = Self.realFingerprint
            try Self.writeKeyList([entry], to: dir + "/eu-west-2.json")
            #expect(Self.loadError([PublicKeySource(path: dir + "/eu-west-2.json")])?.code == .fingerprintMismatch)
        }
    }

    @Test("the user guide's shape: publicKeyList, times as numeric strings", .enabled(if: TestSupport.hasOpenSSL))
    func userGuideShape() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let spki = try Self.cleanSPKI()
            let entry: [String: Any] = ["ValidityStartTime": "1436317441.0", "ValidityEndTime": "1438909441.0",
                                        "Value": Data(spki).base64EncodedString(), "Fingerprint": try TestSupport.md5Hex(spki)]
            try TestSupport.write(try TestSupport.jsonBytes(["publicKeyList": [entry]]), to: dir + "/us-east-1.json")
            let key = try #require(try PublicKeyStore(sources: [PublicKeySource(path: dir + "/us-east-1.json")]).keys.first)
            #expect(key.validityStart == Date(timeIntervalSince1970: 1_436_317_441))
            #expect(key.validityEnd == Date(timeIntervalSince1970: 1_438_909_441))
        }
    }

    @Test("field names in any letter case, and times as numbers, numeric strings, or ISO-8601 with Z or an offset",
          arguments: [
            (["publickeylist", "value", "validitystarttime", "validityendtime", "fingerprint"], "1735689600.0"),
            (["PUBLICKEYLIST", "VALUE", "VALIDITYSTARTTIME", "VALIDITYENDTIME", "FINGERPRINT"], "\"1735689600\""),
            (["publicKeyList", "value", "validityStartTime", "validityEndTime", "fingerprint"], "\"2025-01-01T00:00:00Z\""),
            (["PublicKeyList", "Value", "ValidityStartTime", "ValidityEndTime", "Fingerprint"], "\"2025-01-01T02:00:00+02:00\""),
            (["PublicKeyList", "Value", "ValidityStartTime", "ValidityEndTime", "Fingerprint"], "\"2024-12-31T19:00:00.000-05:00\""),
          ])
    func anyCaseAndTimeSpelling(names: [String], startJSON: String) throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let value = try #require(try Self.cleanKeyEntry()["Value"] as? String)
            // Written by hand: the start time is a JSON literal (a number or a string).
            let text = """
                {"\(names[0])": [{"\(names[1])": "\(value)", "\(names[2])": \(startJSON),
                  "\(names[3])": "2025-07-01T00:00:00Z", "\(names[4])": "\(TestSupport.Clean.fingerprint)"}]}
                """
            try TestSupport.write(text, to: dir + "/us-east-1.json")
            let key = try #require(try PublicKeyStore(sources: [PublicKeySource(path: dir + "/us-east-1.json")]).keys.first)
            #expect(key.fingerprint == TestSupport.Clean.fingerprint)
            #expect(key.validityStart == Date(timeIntervalSince1970: 1_735_689_600))
        }
    }

    @Test("a key file saved with a byte order mark (UTF-8, or UTF-16 as Windows PowerShell's > writes it) is read")
    func byteOrderMarks() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let text = String(decoding: try TestSupport.bytes(atPath: TestSupport.Clean.keyFile), as: UTF8.self)
            let variants: [String: [UInt8]] = [
                "utf8": [0xEF, 0xBB, 0xBF] + Array(text.utf8),
                "utf16le": [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] },
                "utf16be": [0xFE, 0xFF] + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] },
            ]
            for (name, bytes) in variants {
                try TestSupport.write(bytes, to: dir + "/\(name).json")
                let store = try PublicKeyStore(sources: [PublicKeySource(path: dir + "/\(name).json", region: "us-east-1")])
                #expect(store.keys.map(\.fingerprint) == [TestSupport.Clean.fingerprint], "\(name)")
            }
        }
    }

    @Test("one key object by itself (list-public-keys --query 'PublicKeyList[0]') is read")
    func singleKeyObject() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            try TestSupport.write(try TestSupport.jsonBytes(try Self.cleanKeyEntry()), to: dir + "/us-east-1.json")
            let store = try PublicKeyStore(sources: [PublicKeySource(path: dir + "/us-east-1.json")])
            #expect(store.keys.map(\.fingerprint) == [TestSupport.Clean.fingerprint])
            try TestSupport.write("{\"NextToken\": \"x\"}", to: dir + "/eu-west-1.json")
            #expect(Self.loadError([PublicKeySource(path: dir + "/eu-west-1.json")])?.code == .malformedKeyFile)
        }
    }

    @Test("a field named twice in different letter case is refused: which one counts would be a guess")
    func caseVariantsTwice() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            var entry = try Self.cleanKeyEntry()
            entry["value"] = entry["Value"]
            try Self.writeKeyList([entry], to: dir + "/us-east-1.json")
            let error = Self.loadError([PublicKeySource(path: dir + "/us-east-1.json")])
            #expect(error?.code == .malformedKeyFile)
            #expect(error?.message.contains("twice") == true)
            let list = [try Self.cleanKeyEntry()]
            try TestSupport.write(try TestSupport.jsonBytes(["PublicKeyList": list, "publicKeyList": list]), to: dir + "/eu-west-1.json")
            #expect(Self.loadError([PublicKeySource(path: dir + "/eu-west-1.json")])?.code == .malformedKeyFile)
        }
    }

    @Test("the key-spki-value vector's keys file: an SPKI key and a PKCS#1 key in the user guide's shape")
    func spkiVectorKeys() throws {
        let store = try PublicKeyStore(sources: [PublicKeySource(path: TestSupport.vector("key-spki-value") + "/keys")])
        #expect(store.keys.count == 2)
        #expect(store.keys.map(\.fingerprint) == ["3f4b52364e53ea05fc241163e10e50ad", "dafa0266141054b995ae2ff7a32e828f"])
        #expect(store.keys[0].fingerprints.contains("f30d2bd72ad3b4b714430e24f91f476f"))
        #expect(store.keys[1].validityStart == CloudTrailTime.parse("2025-03-14T18:00:00Z"))
    }

    @Test("a folder with no key files is a malformedKeyFile; a missing path is unreadableInput")
    func emptyFolderAndMissingPath() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            try TestSupport.write("hello", to: dir + "/notes.txt")
            #expect(Self.loadError([PublicKeySource(path: dir)])?.code == .malformedKeyFile)
            #expect(Self.loadError([PublicKeySource(path: dir + "/nope.json")])?.code == .unreadableInput)
        }
    }

    @Test("loading stops at the first bad file and names it")
    func stopsAtFirstBadFile() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            try TestSupport.write(try TestSupport.bytes(atPath: TestSupport.Clean.keyFile), to: dir + "/eu-west-1.json")
            try TestSupport.write("{", to: dir + "/us-east-1.json")
            let error = Self.loadError([PublicKeySource(path: dir)])
            #expect(error?.path == dir + "/us-east-1.json")
        }
    }

    // MARK: Resolution

    @Test("resolve finds the key for its region within its validity window, case-insensitively")
    func resolveFound() throws {
        let store = try PublicKeyStore(sources: [PublicKeySource(path: TestSupport.Clean.keyFile)])
        let date = try #require(CloudTrailTime.parse("2025-03-01T17:09:41Z"))
        guard case .found(let key) = store.resolve(fingerprint: TestSupport.Clean.fingerprint, region: "us-east-1", at: date) else {
            Issue.record("expected .found")
            return
        }
        #expect(key.fingerprint == TestSupport.Clean.fingerprint)
        guard case .found = store.resolve(fingerprint: TestSupport.Clean.fingerprint.uppercased(), region: "us-east-1", at: date) else {
            Issue.record("an upper-case fingerprint should resolve")
            return
        }
    }

    @Test("resolve reports an unknown fingerprint")
    func resolveUnknown() throws {
        let store = try PublicKeyStore(sources: [PublicKeySource(path: TestSupport.Clean.keyFile)])
        guard case .unknownFingerprint = store.resolve(fingerprint: Self.realFingerprint, region: "us-east-1", at: Date()) else {
            Issue.record("expected .unknownFingerprint")
            return
        }
        guard case .unknownFingerprint = PublicKeyStore().resolve(fingerprint: "ab", region: "us-east-1", at: Date()) else {
            Issue.record("an empty store knows no fingerprint")
            return
        }
    }

    @Test("resolve reports the regions that do hold a key of another region")
    func resolveWrongRegion() throws {
        let store = try PublicKeyStore(sources: [
            PublicKeySource(path: TestSupport.Clean.keyFile),
            PublicKeySource(path: TestSupport.Clean.keyFile, region: "eu-west-1"),
        ])
        let date = try #require(CloudTrailTime.parse("2025-03-01T00:00:00Z"))
        guard case .wrongRegion(let regions) = store.resolve(fingerprint: TestSupport.Clean.fingerprint, region: "us-west-2", at: date) else {
            Issue.record("expected .wrongRegion")
            return
        }
        #expect(regions == ["eu-west-1", "us-east-1"])
    }

    @Test("resolve reports a key whose validity window misses the time, bounds included")
    func resolveNotValidAt() throws {
        let store = try PublicKeyStore(sources: [PublicKeySource(path: TestSupport.Clean.keyFile)])
        let start = try #require(CloudTrailTime.parse("2025-01-01T00:00:00Z"))
        let end = try #require(CloudTrailTime.parse("2025-07-01T00:00:00Z"))
        for date in [start.addingTimeInterval(-1), end.addingTimeInterval(1)] {
            guard case .notValidAt(let keys) = store.resolve(fingerprint: TestSupport.Clean.fingerprint, region: "us-east-1", at: date) else {
                Issue.record("expected .notValidAt at \(date)")
                continue
            }
            #expect(keys.map(\.fingerprint) == [TestSupport.Clean.fingerprint])
        }
        for date in [start, end] {
            guard case .found = store.resolve(fingerprint: TestSupport.Clean.fingerprint, region: "us-east-1", at: date) else {
                Issue.record("the window's bounds are inside it: \(date)")
                continue
            }
        }
    }

    @Test("resolve picks the rotated key that is valid at the time")
    func resolveAcrossRotation() throws {
        let store = try PublicKeyStore(sources: [PublicKeySource(path: TestSupport.vector("key-rotation") + "/keys/us-east-1.json")])
        let date = Date(timeIntervalSince1970: 1_743_000_000)
        guard case .found(let key) = store.resolve(fingerprint: "dafa0266141054b995ae2ff7a32e828f", region: "us-east-1", at: date) else {
            Issue.record("expected the new key")
            return
        }
        #expect(key.validityStart == Date(timeIntervalSince1970: 1_741_975_200))
        guard case .notValidAt = store.resolve(fingerprint: "f30d2bd72ad3b4b714430e24f91f476f", region: "us-east-1", at: date) else {
            Issue.record("the old key has expired by then")
            return
        }
    }
}
