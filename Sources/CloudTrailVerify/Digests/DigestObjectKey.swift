import Foundation

/// The parts of a digest file's S3 object key.
///
/// `[prefix/]AWSLogs/[o-org/]ACCOUNT/CloudTrail-Digest/REGION/YYYY/MM/DD/`
/// `ACCOUNT_CloudTrail-Digest_REGION_TRAIL_HOMEREGION_YYYYMMDDTHHMMSSZ[_backfill].json.gz`
struct DigestObjectKey: Hashable, Sendable {
    /// The full object key.
    var key: String
    /// The key prefix before `AWSLogs/`, without a trailing slash; `nil` when there is none.
    var prefix: String?
    /// `o-…` for an organization trail.
    var organizationID: String?
    var accountID: String
    /// The region that delivered the digest.
    var region: String
    var trailName: String
    /// The trail's home region.
    var homeRegion: String
    /// The end time written into the key (`YYYYMMDDTHHMMSSZ`).
    var timestamp: Date
    /// The 16 characters of the timestamp as written, for ordering like the AWS CLI does.
    var timestampText: String
    /// A `_backfill.json.gz` digest.
    var isBackfill: Bool

    /// ``timestampText`` as the number `YYYYMMDDHHMMSS`: orders like the text, in eight bytes.
    var timestampCode: UInt64 { Self.code(timestampText) }

    /// This key with another end time: the date folders and the file name's timestamp change.
    func replacingTimestamp(with date: Date) -> String {
        let compact = CloudTrailTime.compact(date)
        let days = [String(compact.prefix(4)), String(compact.dropFirst(4).prefix(2)), String(compact.dropFirst(6).prefix(2))]
        let file = "\(accountID)_CloudTrail-Digest_\(region)_\(trailName)_\(homeRegion)_\(compact)\(isBackfill ? "_backfill" : "").json.gz"
        let folder = Self.regionFolder(prefix: prefix, organizationID: organizationID, accountID: accountID,
                                       kind: "CloudTrail-Digest", region: region)
        return ([folder] + days + [file]).joined(separator: "/")
    }

    /// `[prefix/]AWSLogs/[o-org/]ACCOUNT/KIND/REGION`, where KIND is `CloudTrail-Digest` or `CloudTrail`:
    /// the one folder layout digests, logs and chain names are all built from.
    static func regionFolder(prefix: String?, organizationID: String?, accountID: String, kind: String, region: String) -> String {
        var parts: [String] = []
        if let prefix { parts.append(prefix) }
        parts.append("AWSLogs")
        if let organizationID { parts.append(organizationID) }
        parts += [accountID, kind, region]
        return parts.joined(separator: "/")
    }

    /// `key` split at every `/`, empty segments kept.
    ///
    /// An ASCII key is split on its bytes: each of its characters is one byte, except `\r\n`, which holds
    /// no `/`, so the segments are the same as splitting the characters (this runs several times per digest).
    static func segments(_ key: String) -> [Substring] {
        let onBytes = key.utf8.withContiguousStorageIfAvailable { bytes -> [Substring]? in
            var parts: [Substring] = []
            parts.reserveCapacity(12)
            var start = 0
            func part(_ end: Int) -> Substring {
                // UTF-8 offsets of a native string: O(1), and on character boundaries in ASCII text.
                Substring(key.utf8[key.utf8.index(key.utf8.startIndex, offsetBy: start)..<key.utf8.index(key.utf8.startIndex, offsetBy: end)])
            }
            for (offset, byte) in bytes.enumerated() {
                if byte >= 0x80 { return nil }
                if byte == UInt8(ascii: "/") {
                    parts.append(part(offset))
                    start = offset + 1
                }
            }
            parts.append(part(bytes.count))
            return parts
        }
        if let parts = onBytes ?? nil { return parts }
        if key.utf8.allSatisfy({ $0 < 0x80 }) {
            return key.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map { Substring($0) }
        }
        return key.split(separator: "/", omittingEmptySubsequences: false)
    }

    /// Whether every byte of `text` is ASCII other than `\r`: one character per byte.
    private static func isSimple(_ text: String) -> Bool {
        let simple = { (byte: UInt8) in byte < 0x80 && byte != 0x0D }
        return text.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(simple) } ?? text.utf8.allSatisfy(simple)
    }

    static func code(_ compact: String) -> UInt64 {
        // ASCII text (every timestamp): its digit bytes are its digit characters.
        if compact.utf8.allSatisfy({ $0 < 0x80 }) {
            return UInt64(String(decoding: compact.utf8.filter { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self)) ?? 0
        }
        return UInt64(String(compact.filter(\.isASCIIDigit))) ?? 0
    }

    /// Parses `key`, or returns `nil` when it is not a digest object key.
    ///
    /// Trail names may contain `_`, `.` and `-`, so the name is what lies between the
    /// fixed-shape parts at both ends, never a greedy match from one side.
    init?(_ key: String) {
        let parts = Self.segments(key)
        // The last `AWSLogs` component that is followed by a digest layout.
        guard let anchor = parts.indices.reversed().first(where: { index in
            guard parts[index] == "AWSLogs" else { return false }
            let afterAccount = parts.count > index + 2 && parts[index + 2] == "CloudTrail-Digest"
            let afterOrg = parts.count > index + 3 && parts[index + 1].hasPrefix("o-") && parts[index + 3] == "CloudTrail-Digest"
            return afterAccount || afterOrg
        }) else { return nil }
        var index = anchor + 1
        var organizationID: String?
        if parts[index + 1] != "CloudTrail-Digest" {
            organizationID = String(parts[index])
            index += 1
        }
        let accountID = String(parts[index])
        // Twelve ASCII digit characters are exactly twelve digit bytes.
        guard accountID.utf8.count == 12, accountID.utf8.allSatisfy(Self.isDigit) else { return nil }
        index += 2
        // REGION / YYYY / MM / DD / file
        guard parts.count == index + 5 else { return nil }
        let region = String(parts[index])
        let folders = parts[(index + 1)...(index + 3)]
        guard zip(folders, [4, 2, 2]).allSatisfy({ $0.utf8.count == $1 && $0.utf8.allSatisfy(Self.isDigit) }) else { return nil }
        let file = parts[index + 4]

        let head = "\(accountID)_CloudTrail-Digest_\(region)_"
        // An ASCII key without `\r` has one character per byte: its file name is read on bytes, the same way.
        guard let name = Self.isSimple(key) ? Self.simpleFileName(file, head: head) : Self.fileName(file, head: head),
              let timestamp = CloudTrailTime.parse(name.timestampText) else { return nil }
        let (trailName, homeRegion, timestampText, isBackfill) = name

        self.key = key
        self.prefix = anchor == 0 ? nil : parts[..<anchor].joined(separator: "/")
        self.organizationID = organizationID
        self.accountID = accountID
        self.region = region
        self.trailName = trailName
        self.homeRegion = homeRegion
        self.timestamp = timestamp
        self.timestampText = timestampText
        self.isBackfill = isBackfill
    }

    /// What a digest file name holds after `head` (`ACCOUNT_CloudTrail-Digest_REGION_`).
    typealias FileName = (trailName: String, homeRegion: String, timestampText: String, isBackfill: Bool)

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// `TRAIL_HOMEREGION_YYYYMMDDTHHMMSSZ[_backfill].json.gz` after `head`, read by characters.
    private static func fileName(_ file: Substring, head: String) -> FileName? {
        guard file.hasPrefix(head) else { return nil }
        var rest = file.dropFirst(head.count)
        let isBackfill: Bool
        if rest.hasSuffix("_backfill.json.gz") {
            isBackfill = true
            rest = rest.dropLast("_backfill.json.gz".count)
        } else if rest.hasSuffix(".json.gz") {
            isBackfill = false
            rest = rest.dropLast(".json.gz".count)
        } else {
            return nil
        }
        // rest = TRAIL_HOMEREGION_YYYYMMDDTHHMMSSZ
        guard rest.count > 17, rest[rest.index(rest.endIndex, offsetBy: -17)] == "_" else { return nil }
        let timestampText = String(rest.suffix(16))
        // Exactly YYYYMMDDTHHMMSSZ: anything else would not order like real keys.
        let shape = Array(timestampText.utf8)
        guard shape.count == 16, shape[8] == UInt8(ascii: "T"), shape[15] == UInt8(ascii: "Z"),
              shape[0..<8].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), shape[9..<15].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        rest = rest.dropLast(17)
        // Regions have no underscore; the trail name may.
        guard let split = rest.lastIndex(of: "_") else { return nil }
        let trailName = String(rest[..<split])
        let homeRegion = String(rest[rest.index(after: split)...])
        guard !trailName.isEmpty, !homeRegion.isEmpty else { return nil }
        return (trailName, homeRegion, timestampText, isBackfill)
    }

    /// ``fileName(_:head:)`` for a name with one character per byte (ASCII, no `\r`), read on its bytes.
    private static func simpleFileName(_ file: Substring, head: String) -> FileName? {
        file.utf8.withContiguousStorageIfAvailable { simpleFileName(bytes: $0, head: head) }
            ?? Array(file.utf8).withUnsafeBufferPointer { simpleFileName(bytes: $0, head: head) }
    }

    private static func simpleFileName(bytes: UnsafeBufferPointer<UInt8>, head: String) -> FileName? {
        guard bytes.starts(with: head.utf8) else { return nil }
        let start = head.utf8.count
        var end = bytes.count
        let isBackfill: Bool
        if end - start >= 17, bytes[(end - 17)...].elementsEqual("_backfill.json.gz".utf8) {
            isBackfill = true
            end -= 17
        } else if end - start >= 8, bytes[(end - 8)...].elementsEqual(".json.gz".utf8) {
            isBackfill = false
            end -= 8
        } else {
            return nil
        }
        // TRAIL_HOMEREGION_YYYYMMDDTHHMMSSZ
        guard end - start > 17, bytes[end - 17] == UInt8(ascii: "_") else { return nil }
        let stamp = bytes[(end - 16)..<end]
        guard stamp[end - 8] == UInt8(ascii: "T"), stamp[end - 1] == UInt8(ascii: "Z"),
              stamp[(end - 16)..<(end - 8)].allSatisfy(isDigit), stamp[(end - 7)..<(end - 1)].allSatisfy(isDigit) else { return nil }
        end -= 17
        guard let split = bytes[start..<end].lastIndex(of: UInt8(ascii: "_")) else { return nil }
        let trailName = String(decoding: bytes[start..<split], as: UTF8.self)
        let homeRegion = String(decoding: bytes[(split + 1)..<end], as: UTF8.self)
        guard !trailName.isEmpty, !homeRegion.isEmpty else { return nil }
        return (trailName, homeRegion, String(decoding: stamp, as: UTF8.self), isBackfill)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
