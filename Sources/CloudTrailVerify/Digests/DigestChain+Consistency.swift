import Foundation

/// What a valid signature does not prove: that the signed fields make sense where the digest was found.
///
/// A signature only says CloudTrail's key signed these bytes. These checks hold the signed content
/// to its own name, folder, labels and times, so that a digest signed in one place and stored in
/// another, or signed with inconsistent content for any reason, is a finding on that digest.
extension DigestChain {
    /// A check that failed, with the reason and the message the report gives.
    struct Problem: Error, Sendable {
        var reason: DigestReason
        var message: String

        init(_ reason: DigestReason, _ message: String) {
            self.reason = reason
            self.message = message
        }
    }

    /// The one hash algorithm CloudTrail uses for logs and digests.
    static let hashAlgorithm = "SHA-256"
    /// Digests are hourly; a span longer than this is not one CloudTrail writes.
    static let maximumSpan: TimeInterval = 90 * 60
    /// A digest that continues a chain starts where its predecessor ended, about an hour before its own end.
    /// (A chain's first digest, after validation is turned on, may cover less.)
    static let minimumLinkedSpan: TimeInterval = 30 * 60
    /// How long before a digest's start its oldest event may lie: logs are delivered late, but not by days.
    static let maximumEventLead: TimeInterval = 24 * 3600

    /// Check 5: the labels say SHA-256 and the values are SHA-256s. Anything else is refused, never
    /// silently recomputed with SHA-256 (the AWS CLI ignores the labels).
    static func algorithmProblem(_ digest: DigestFile) -> Problem? {
        if digest.previousDigestHashValue != nil || digest.previousDigestHashAlgorithm != nil {
            guard let label = digest.previousDigestHashAlgorithm, label.utf8.elementsEqual(hashAlgorithm.utf8) else {
                return Problem(.unsupportedHashAlgorithm,
                               "previousDigestHashAlgorithm is \(digest.previousDigestHashAlgorithm.map { "\"\($0)\"" } ?? "absent"), not SHA-256")
            }
            guard let value = digest.previousDigestHashValue, isSHA256Hex(value) else {
                return Problem(.unsupportedHashAlgorithm,
                               "previousDigestHashValue \(digest.previousDigestHashValue ?? "null") is not a SHA-256 in hex")
            }
        }
        for (index, log) in digest.logFiles.enumerated() {
            guard let label = log.hashAlgorithm, label.utf8.elementsEqual(hashAlgorithm.utf8) else {
                return Problem(.unsupportedHashAlgorithm,
                               "logFiles[\(index)].hashAlgorithm is \(log.hashAlgorithm.map { "\"\($0)\"" } ?? "absent"), not SHA-256 (\(log.location.uri))")
            }
            guard isSHA256Hex(log.expectedSHA256) else {
                return Problem(.unsupportedHashAlgorithm,
                               "logFiles[\(index)].hashValue \(log.expectedSHA256) is not a SHA-256 in hex (\(log.location.uri))")
            }
        }
        return nil
    }

    /// 64 hex digits, either case: CloudTrail writes lower case, but upper case names the same value.
    static func isSHA256Hex(_ text: String) -> Bool {
        guard text.utf8.count == 64 else { return false }
        // Through a pointer: this runs for every log a digest lists.
        var text = text
        return text.withUTF8 { bytes in
            bytes.allSatisfy { byte in (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte) }
        }
    }

    /// Hex compared without regard to case (check 10): `A` and `a` are the same nibble.
    static func sameHex(_ lhs: String, _ rhs: String) -> Bool {
        // The same bytes (the usual case, a 512-digit signature) are compared at once; only a difference in case
        // needs the digit-by-digit look.
        if ByteWise.equal(lhs, rhs) { return true }
        return lhs.utf8.count == rhs.utf8.count && zip(lhs.utf8, rhs.utf8).allSatisfy { a, b in
            a == b || (a | 0x20 == b | 0x20 && (0x61...0x66).contains(a | 0x20))
        }
    }

    /// Check 1: the object name's time and date folders are `digestEndTime` (to the second), the start is
    /// before the end, and the span is about an hour.
    static func timeProblem(_ digest: DigestFile, key: String) -> Problem? {
        guard digest.digestStartTime < digest.digestEndTime else {
            return Problem(.timeMismatch,
                           "digestStartTime \(digest.digestStartTimeText) is not before digestEndTime \(digest.digestEndTimeText)")
        }
        if let parsed = DigestObjectKey(key) {
            let end = CloudTrailTime.compact(digest.digestEndTime)
            guard end.utf8.elementsEqual(parsed.timestampText.utf8) else {
                return Problem(.timeMismatch,
                               "the object name says it ends \(parsed.timestampText), but digestEndTime is \(digest.digestEndTimeText)")
            }
            let parts = DigestObjectKey.segments(key)
            let days = parts.dropLast().suffix(3).joined()
            guard days.utf8.elementsEqual(end.utf8.prefix(8)) else {
                return Problem(.timeMismatch,
                               "the date folders \(parts.dropLast().suffix(3).joined(separator: "/")) are not the day of digestEndTime \(digest.digestEndTimeText)")
            }
        }
        let span = digest.digestEndTime.timeIntervalSince(digest.digestStartTime)
        if span > maximumSpan || (digest.previousLocation != nil && span < minimumLinkedSpan) {
            return Problem(.timeMismatch,
                           "spans \(Self.describe(span)) (\(digest.digestStartTimeText) to \(digest.digestEndTimeText)); CloudTrail digests span about an hour")
        }
        return nil
    }

    /// Check 3: the account in the content is the folder's, and every listed log lies in the log folder
    /// of the same bucket, prefix, organization, account and region, named like a CloudTrail log.
    static func placeProblem(_ digest: DigestFile, key: String) -> Problem? {
        guard let parsed = DigestObjectKey(key) else { return nil }
        guard let account = digest.awsAccountId, account.utf8.elementsEqual(parsed.accountID.utf8) else {
            return Problem(.wrongPlace,
                           "awsAccountId is \(digest.awsAccountId ?? "absent"), but the digest lies in the folder of account \(parsed.accountID)")
        }
        let folder = DigestObjectKey.regionFolder(prefix: parsed.prefix, organizationID: parsed.organizationID,
                                                  accountID: parsed.accountID, kind: "CloudTrail", region: parsed.region) + "/"
        let head = "\(parsed.accountID)_CloudTrail_\(parsed.region)_"
        let folderBytes = Array(folder.utf8)
        let headBytes = Array(head.utf8)
        for log in digest.logFiles {
            // A key that would climb out of the bucket copy is reported on the log itself (unsafe_path).
            if mayEscape(log.location.key) { continue }
            let why: String?
            if !log.location.bucket.utf8.elementsEqual(digest.digestS3Bucket.utf8) {
                why = "lies in bucket \(log.location.bucket), not \(digest.digestS3Bucket)"
            } else if !hasPrefix(log.location.key, folderBytes) {
                why = "lies outside the log folder \(folder)"
            } else if !isLogName(log.location.key, after: folderBytes.count, head: headBytes) {
                why = "is not a CloudTrail log file of \(folder) (YYYY/MM/DD/\(head)…json.gz)"
            } else {
                why = nil
            }
            if let why {
                return Problem(.wrongPlace, "lists \(log.location.uri), which \(why)")
            }
        }
        return nil
    }

    /// Whether `key`'s bytes start with `prefix`.
    private static func hasPrefix(_ key: String, _ prefix: [UInt8]) -> Bool {
        key.utf8.withContiguousStorageIfAvailable { $0.starts(with: prefix) } ?? key.utf8.starts(with: prefix)
    }

    /// Whether the bytes of `key` from `start` are `YYYY/MM/DD/NAME`: four, two and two digits, then a
    /// name without `/` that starts with `head` and ends in `.json.gz`. Checked in place: this runs for
    /// every log a digest lists.
    private static func isLogName(_ key: String, after start: Int, head: [UInt8]) -> Bool {
        func check(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            let isDigit = { (byte: UInt8) in (0x30...0x39).contains(byte) }
            let rest = UnsafeBufferPointer(rebasing: bytes[start...])
            guard rest.count >= 11, rest[0..<4].allSatisfy(isDigit), rest[4] == UInt8(ascii: "/"),
                  rest[5..<7].allSatisfy(isDigit), rest[7] == UInt8(ascii: "/"),
                  rest[8..<10].allSatisfy(isDigit), rest[10] == UInt8(ascii: "/") else { return false }
            let name = rest[11...]
            return !name.contains(UInt8(ascii: "/")) && name.starts(with: head) && name.reversed().starts(with: ".json.gz".utf8.reversed())
        }
        return key.utf8.withContiguousStorageIfAvailable(check) ?? Array(key.utf8).withUnsafeBufferPointer(check)
    }

    /// Check 6: each log's event times are in order, none after the digest's end, none long before its start;
    /// the digest's own event times bound its logs'.
    static func eventTimeProblem(_ digest: DigestFile) -> Problem? {
        let earliest = digest.digestStartTime.addingTimeInterval(-maximumEventLead)
        func times(_ oldest: String?, _ newest: String?, _ what: String) -> Result<(Date, Date)?, Problem> {
            if oldest == nil, newest == nil { return .success(nil) }
            guard let oldest, let newest, let old = CloudTrailTime.parse(oldest), let new = CloudTrailTime.parse(newest) else {
                return .failure(Problem(.implausibleEventTimes,
                                        "\(what) has oldestEventTime \(oldest ?? "null") and newestEventTime \(newest ?? "null"): not two times"))
            }
            if old > new {
                return .failure(Problem(.implausibleEventTimes, "\(what): oldestEventTime \(oldest) is after newestEventTime \(newest)"))
            }
            if new > digest.digestEndTime {
                return .failure(Problem(.implausibleEventTimes,
                                        "\(what): newestEventTime \(newest) is after the digest's end \(digest.digestEndTimeText) (an event from the future)"))
            }
            if old < earliest {
                return .failure(Problem(.implausibleEventTimes,
                                        "\(what): oldestEventTime \(oldest) is more than \(describe(maximumEventLead)) before the digest's start \(digest.digestStartTimeText)"))
            }
            return .success((old, new))
        }
        let own: (Date, Date)?
        switch times(digest.oldestEventTime, digest.newestEventTime, "the digest") {
        case .failure(let problem): return problem
        case .success(let parsed): own = parsed
        }
        var bounds: (Date, Date)?
        for (index, log) in digest.logFiles.enumerated() {
            switch times(log.oldestEventTime, log.newestEventTime, "logFiles[\(index)] (\(log.location.uri))") {
            case .failure(let problem): return problem
            case .success(let parsed):
                if let parsed { bounds = bounds.map { (min($0.0, parsed.0), max($0.1, parsed.1)) } ?? parsed }
            }
        }
        if let own, let bounds, own.0 > bounds.0 || own.1 < bounds.1 {
            return Problem(.implausibleEventTimes,
                           "the digest's event times \(CloudTrailTime.display(own.0)) to \(CloudTrailTime.display(own.1)) do not cover its logs' \(CloudTrailTime.display(bounds.0)) to \(CloudTrailTime.display(bounds.1))")
        }
        return nil
    }

    /// Check 4, within one digest: no log listed twice.
    static func repeatedLogProblem(_ digest: DigestFile) -> Problem? {
        // A digest lists a few logs: compared pairwise below a few dozen, by fingerprint beyond.
        if digest.logFiles.count <= 32 {
            for index in digest.logFiles.indices {
                for first in 0..<index where sameLocation(digest.logFiles[first].location, digest.logFiles[index].location) {
                    return repeated(digest, first, index)
                }
            }
            return nil
        }
        var seen: [Int: Int] = [:]
        for (index, log) in digest.logFiles.enumerated() {
            let fingerprint = S3Location.fingerprint(log.location)
            if let first = seen[fingerprint], sameLocation(digest.logFiles[first].location, log.location) {
                return repeated(digest, first, index)
            }
            seen[fingerprint] = seen[fingerprint] ?? index
        }
        return nil
    }

    private static func repeated(_ digest: DigestFile, _ first: Int, _ index: Int) -> Problem {
        let log = digest.logFiles[index]
        let hashes = sameHex(digest.logFiles[first].expectedSHA256, log.expectedSHA256)
            ? "with the same hash" : "with different hashes (\(digest.logFiles[first].expectedSHA256), \(log.expectedSHA256))"
        return Problem(.logListedTwice, "lists \(log.location.uri) twice (logFiles[\(first)] and [\(index)]), \(hashes)")
    }

    /// Whether a log's name says it was delivered during the digest's span: its minute (the name's precision)
    /// ends after the start and begins no later than the end. A name that is not CloudTrail's says nothing: `false`.
    static func delivered(_ log: DigestFile.LogFileEntry, within digest: DigestFile) -> Bool {
        guard let parsed = DigestObjectKey(digest.digestS3Object),
              let delivered = LogObjectKey(key: log.location.key, accountID: parsed.accountID, region: parsed.region).deliveryTime
        else { return false }
        return delivered.addingTimeInterval(59) >= digest.digestStartTime && delivered <= digest.digestEndTime
    }

    /// Byte-exact: object keys are byte strings.
    static func sameLocation(_ lhs: S3Location, _ rhs: S3Location) -> Bool {
        ByteWise.equal(lhs.key, rhs.key) && ByteWise.equal(lhs.bucket, rhs.bucket)
    }

    /// Check 7: a link stays in the chain it was found in (same bucket, prefix, organization, account,
    /// region, trail, kind). A link whose key is no digest key at all is judged where it points.
    func spliceProblem(_ digest: DigestFile) -> Problem? {
        // A link that would climb out of the bucket copy is judged where it points (unsafe_path).
        guard let previous = digest.previousLocation, !Self.mayEscape(previous.key),
              let parsed = DigestObjectKey(previous.key) else { return nil }
        let target = ChainIdentity(parsed)
        guard previous.bucket.utf8.elementsEqual(bucket.utf8) else {
            return Problem(.splice, "links to \(previous.uri), in another bucket: a link out of the chain (a splice)")
        }
        guard target == identity else {
            return Problem(.splice, "links to \(previous.uri), a digest of the chain \(target.id), not of \(identity.id): a link out of the chain (a splice)")
        }
        return nil
    }

    /// Whether a key has what ``BucketRoots`` refuses as unsafe (an empty, `.` or `..` segment, a `%` or a
    /// backslash): such a key is reported where it is used, as `unsafe_path`, not judged by its folders.
    static func mayEscape(_ key: String) -> Bool {
        // One pass over the bytes (this runs for every log a digest lists): a `%` or a backslash anywhere
        // settles it. Otherwise an ASCII key (every character one byte, and no `/` inside `\r\n`) has the
        // segments of the split below, judged here without building them; any other key is split.
        var text = key
        let scan: (escapes: Bool, isASCII: Bool, badSegment: Bool) = text.withUTF8 { bytes in
            var isASCII = true
            var badSegment = false
            var length = 0
            var dots = 0
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "%"), UInt8(ascii: "\\"):
                    return (true, isASCII, badSegment)
                case UInt8(ascii: "/"):
                    if length == 0 || (length <= 2 && dots == length) { badSegment = true }
                    length = 0
                    dots = 0
                default:
                    length += 1
                    if byte == UInt8(ascii: ".") { dots += 1 }
                    if byte >= 0x80 { isASCII = false }
                }
            }
            if length == 0 || (length <= 2 && dots == length) { badSegment = true }
            return (false, isASCII, badSegment)
        }
        if scan.escapes { return true }
        let (isASCII, badSegment) = (scan.isASCII, scan.badSegment)
        guard isASCII else {
            return key.split(separator: "/", omittingEmptySubsequences: false).contains { $0.isEmpty || $0 == "." || $0 == ".." }
        }
        return badSegment
    }

    static func describe(_ interval: TimeInterval) -> String {
        let minutes = Int((interval / 60).rounded(.towardZero))
        return minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes / 60) h \(minutes % 60) min"
    }
}
