import Foundation

/// One CloudTrail digest file, decompressed and parsed.
///
/// Hashes are always over ``rawJSON``, the uncompressed bytes exactly as stored:
/// re-serializing the JSON would change them (real digests escape `/` as `\/`).
struct DigestFile: Sendable {
    /// One log file listed by the digest.
    struct LogFileEntry: Sendable, Hashable {
        var location: S3Location
        /// `hashValue`: hex SHA-256 of the log's uncompressed bytes.
        var expectedSHA256: String
        var hashAlgorithm: String?
        var oldestEventTime: String?
        var newestEventTime: String?
    }

    /// Why a file is not a usable digest.
    struct FormatProblem: Error, Sendable, Hashable {
        var message: String
    }

    /// The uncompressed JSON.
    var rawJSON: [UInt8]
    /// Hex SHA-256 of ``rawJSON``.
    var sha256: String

    var awsAccountId: String?
    /// As written: the string to sign uses this text, not a re-formatted date.
    var digestStartTimeText: String
    var digestEndTimeText: String
    var digestStartTime: Date
    var digestEndTime: Date
    var digestS3Bucket: String
    var digestS3Object: String
    var publicKeyFingerprint: String
    var signatureAlgorithm: String?
    var previousDigestS3Bucket: String?
    var previousDigestS3Object: String?
    var previousDigestHashValue: String?
    var previousDigestHashAlgorithm: String?
    /// `nil` when the JSON holds `null` (the start of a chain).
    var previousDigestSignature: String?
    var newestEventTime: String?
    var oldestEventTime: String?
    var logFiles: [LogFileEntry]

    /// Uncompressed digests larger than this are refused as malformed; real ones are kilobytes to a few megabytes.
    ///
    /// With ``StrictJSON/maximumValueCount`` this bounds the memory one digest costs whatever its
    /// shape: the inflated bytes, plus a tree of at most that many values over at most these bytes of
    /// text, stays well under 200 MB (see docs/security.md, "Limits").
    static let maximumUncompressedSize = 32 * 1024 * 1024
    /// Compressed digest files larger than this are refused unread.
    static let maximumFileSize = 16 * 1024 * 1024

    /// The previous digest's location, when the digest links to one.
    var previousLocation: S3Location? {
        guard let bucket = previousDigestS3Bucket, let object = previousDigestS3Object else { return nil }
        return S3Location(bucket: bucket, key: object)
    }

    /// The string CloudTrail signs: end time, `bucket/object`, hex SHA-256 of the
    /// uncompressed digest, and the previous signature or `null`, joined by `\n`.
    var stringToSign: [UInt8] {
        Array("\(digestEndTimeText)\n\(digestS3Bucket)/\(digestS3Object)\n\(sha256)\n\(previousDigestSignature ?? "null")".utf8)
    }

    /// Gunzips and parses a digest file's bytes.
    init(compressed: [UInt8]) throws(FormatProblem) {
        try self.init(compressed: compressed, sizeLimit: Self.maximumUncompressedSize, valueLimit: StrictJSON.maximumValueCount)
    }

    /// Gunzips and parses within smaller limits than a digest's (a read that may fail and be done again in full).
    init(compressed: [UInt8], sizeLimit: Int, valueLimit: Int) throws(FormatProblem) {
        try self.init(json: try Self.inflate(compressed, sizeLimit: sizeLimit), valueLimit: valueLimit)
    }

    /// What a digest claims: the digest it links to and the logs it lists, and nothing else of it (no tree of
    /// the JSON, no hash of the text, no times, no log entries), for ``DigestChain/readClaims()``, which reads
    /// every digest of a chain before the walk. For a document ``init(compressed:sizeLimit:valueLimit:)``
    /// accepts, it finds exactly the same locations (``StrictJSON/scanStrings(_:top:array:inner:)`` decodes with
    /// the parser's own code); it also accepts some that the full read refuses, which is harmless there: every
    /// claim is checked against the claimant's full, valid read before it counts.
    static func claims(compressed: [UInt8], sizeLimit: Int) throws(FormatProblem) -> (previous: S3Location?, logs: [S3Location]) {
        let json = try inflate(compressed, sizeLimit: sizeLimit)
        // Scanned, not parsed into a tree: a chain's every digest is read this way before the walk.
        let found: (top: [String?], elements: [[String?]]?)
        do {
            found = try StrictJSON.scanStrings(json, top: ["previousDigestS3Bucket", "previousDigestS3Object"],
                                               array: "logFiles", inner: ["s3Bucket", "s3Object"])
        } catch {
            throw FormatProblem(message: "not valid JSON: \(error)")
        }
        guard let elements = found.elements else { throw FormatProblem(message: "no logFiles array") }
        var previous: S3Location?
        if let bucket = found.top[0], let object = found.top[1] { previous = S3Location(bucket: bucket, key: object) }
        var logs: [S3Location] = []
        logs.reserveCapacity(elements.count)
        for element in elements {
            guard let bucket = element[0], let object = element[1] else {
                throw FormatProblem(message: "a logFiles entry has no s3Bucket or s3Object string")
            }
            logs.append(S3Location(bucket: bucket, key: object))
        }
        return (previous, logs)
    }

    /// The inflated bytes of one gzip member of a digest, within `sizeLimit`.
    private static func inflate(_ compressed: [UInt8], sizeLimit: Int) throws(FormatProblem) -> [UInt8] {
        let inflated: GzipInflater.Inflated
        do {
            inflated = try GzipInflater.inflate(compressed, limit: sizeLimit)
        } catch {
            // Hitting the size limit is not a broken stream: say which limit it was.
            let overLimit = "inflates to more than \(sizeLimit) bytes"
            throw FormatProblem(message: error.message == overLimit ? "\(overLimit), the limit for a digest"
                                                                    : "not a gzip file: \(error.message)")
        }
        guard inflated.trailingByteCount == 0 else {
            throw FormatProblem(message: "\(inflated.trailingByteCount) bytes after the end of the gzip stream")
        }
        return inflated.bytes
    }

    /// Parses a digest's uncompressed JSON.
    init(json: [UInt8]) throws(FormatProblem) {
        try self.init(json: json, valueLimit: StrictJSON.maximumValueCount)
    }

    init(json: [UInt8], valueLimit: Int) throws(FormatProblem) {
        guard String(validating: json, as: UTF8.self) != nil else {
            throw FormatProblem(message: "not UTF-8 text")
        }
        let document: StrictJSON.Value
        do {
            document = try StrictJSON.parse(json, maximumValueCount: valueLimit)
        } catch {
            throw FormatProblem(message: error.exceedsLimit ? "JSON over the reader's limit: \(error)" : "not valid JSON: \(error)")
        }
        guard let members = document.members else {
            throw FormatProblem(message: "JSON is not an object")
        }
        let reader = FieldReader(fields: members)

        rawJSON = json
        sha256 = MessageDigestAlgorithm.sha256.hash(json).hexString
        awsAccountId = try reader.optionalString("awsAccountId")
        digestStartTimeText = try reader.requiredString("digestStartTime")
        digestEndTimeText = try reader.requiredString("digestEndTime")
        digestStartTime = try reader.time("digestStartTime", digestStartTimeText)
        digestEndTime = try reader.time("digestEndTime", digestEndTimeText)
        digestS3Bucket = try reader.requiredString("digestS3Bucket")
        digestS3Object = try reader.requiredString("digestS3Object")
        publicKeyFingerprint = try reader.requiredString("digestPublicKeyFingerprint")
        signatureAlgorithm = try reader.optionalString("digestSignatureAlgorithm")
        // Present in every digest (the AWS CLI requires it), null at a chain's start.
        guard reader["previousDigestSignature"] != nil else {
            throw FormatProblem(message: "required field previousDigestSignature is absent")
        }
        previousDigestSignature = try reader.optionalString("previousDigestSignature")
        previousDigestS3Bucket = try reader.optionalString("previousDigestS3Bucket")
        previousDigestS3Object = try reader.optionalString("previousDigestS3Object")
        previousDigestHashValue = try reader.optionalString("previousDigestHashValue")
        previousDigestHashAlgorithm = try reader.optionalString("previousDigestHashAlgorithm")
        newestEventTime = try reader.optionalString("newestEventTime")
        oldestEventTime = try reader.optionalString("oldestEventTime")

        guard let list = reader["logFiles"] else {
            throw FormatProblem(message: "required field logFiles is absent")
        }
        guard case .array(let entries) = list else {
            throw FormatProblem(message: "logFiles is not an array")
        }
        var logFiles: [LogFileEntry] = []
        logFiles.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            guard let entryMembers = entry.members else {
                throw FormatProblem(message: "logFiles[\(index)] is not an object")
            }
            let entryReader = FieldReader(fields: entryMembers, context: "logFiles[\(index)].")
            logFiles.append(LogFileEntry(
                location: S3Location(bucket: try entryReader.requiredString("s3Bucket"),
                                     key: try entryReader.requiredString("s3Object")),
                expectedSHA256: try entryReader.requiredString("hashValue"),
                hashAlgorithm: try entryReader.optionalString("hashAlgorithm"),
                oldestEventTime: try entryReader.optionalString("oldestEventTime"),
                newestEventTime: try entryReader.optionalString("newestEventTime")))
        }
        self.logFiles = logFiles
    }

    private struct FieldReader {
        /// An object's members, in document order (the parser refuses duplicate names). Looked up by
        /// comparing names (as `String`, like a dictionary would): a digest's objects are small.
        var fields: [(String, StrictJSON.Value)]
        var context = ""

        // Names compared as bytes: `String ==` would take a canonically equivalent spelling (a KELVIN SIGN for `K`)
        // for the field, where every other reader of the JSON sees another name.
        subscript(name: String) -> StrictJSON.Value? { fields.first { ByteWise.equal($0.0, name) }?.1 }

        func requiredString(_ name: String) throws(FormatProblem) -> String {
            guard let value = self[name], value != .null else {
                throw FormatProblem(message: "required field \(context)\(name) is absent")
            }
            guard case .string(let text) = value else {
                throw FormatProblem(message: "\(context)\(name) is not a string")
            }
            return text
        }

        func optionalString(_ name: String) throws(FormatProblem) -> String? {
            guard let value = self[name], value != .null else { return nil }
            guard case .string(let text) = value else {
                throw FormatProblem(message: "\(context)\(name) is not a string")
            }
            return text
        }

        func time(_ name: String, _ text: String) throws(FormatProblem) -> Date {
            guard let date = CloudTrailTime.parse(text) else {
                throw FormatProblem(message: "\(context)\(name) is not a time: \(text)")
            }
            return date
        }
    }
}
