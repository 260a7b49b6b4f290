import Foundation

/// A trail's configuration, as `aws cloudtrail describe-trails` or `get-trail` prints it.
///
/// Given next to the bucket copy, it says what the copy should hold: which bucket
/// and prefix the trail writes to, its home region, and whether digests exist at all
/// (`LogFileValidationEnabled`), which the AWS CLI never checks. Only the fields
/// this tool uses are kept; the rest of each entry is ignored.
struct TrailConfiguration: Sendable, Hashable {
    /// The trail's name (`Name`), valid by CloudTrail's rules (see ``validateTrailName(_:)``).
    var name: String
    /// The bucket the trail delivers to (`S3BucketName`).
    var bucket: String
    /// The key prefix before `AWSLogs/` (`S3KeyPrefix`); `nil` when there is none.
    var prefix: String?
    /// The trail's ARN (`TrailARN`); its name is ``name`` and its region ``homeRegion``.
    var arn: TrailARN
    /// The region the trail was created in (`HomeRegion`).
    var homeRegion: String
    /// Whether the trail logs every region (`IsMultiRegionTrail`).
    var isMultiRegion: Bool
    /// Whether the trail logs every account of an organization (`IsOrganizationTrail`).
    var isOrganizationTrail: Bool
    /// Whether CloudTrail writes digest files for the trail (`LogFileValidationEnabled`).
    var logFileValidationEnabled: Bool

    init(name: String, bucket: String, prefix: String?, arn: TrailARN, homeRegion: String,
                isMultiRegion: Bool, isOrganizationTrail: Bool, logFileValidationEnabled: Bool) {
        self.name = name
        self.bucket = bucket
        self.prefix = prefix
        self.arn = arn
        self.homeRegion = homeRegion
        self.isMultiRegion = isMultiRegion
        self.isOrganizationTrail = isOrganizationTrail
        self.logFileValidationEnabled = logFileValidationEnabled
    }

    /// Trail files larger than this are refused before parsing: real ones are a few KB per trail.
    static let maximumFileSize = 16 * 1024 * 1024

    // MARK: Loading

    /// Reads a trail file: `describe-trails` output (`{"trailList": [...]}`), `get-trail`
    /// output (`{"Trail": {...}}`), or one bare trail object.
    ///
    /// The result is in file order and may be empty (`describe-trails` in an account
    /// without trails prints an empty list). Throws on the first problem, naming the entry.
    static func load(path: String) throws(CloudTrailVerifyError) -> [TrailConfiguration] {
        try parse(try readTrailFile(path: path, what: "trail"), path: path)
    }

    /// Reads a small JSON file for ``load(path:)`` and ``TrailStatus/load(path:)``: refuses folders,
    /// missing files and anything over ``maximumFileSize`` before reading it.
    static func readTrailFile(path: String, what: String) throws(CloudTrailVerifyError) -> [UInt8] {
        // stat, not lstat: a link to a trail file is fine, and its target's size is what counts.
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw CloudTrailVerifyError(.unreadableInput, "\(what) file does not exist or cannot be read", path: path)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw CloudTrailVerifyError(.unreadableInput, "\(what) file is not a regular file", path: path)
        }
        guard info.st_size <= maximumFileSize else {
            throw CloudTrailVerifyError(.malformedTrailFile, "\(what) file is too large", path: path,
                                        expected: "at most \(maximumFileSize) bytes", found: "\(info.st_size) bytes")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CloudTrailVerifyError(.unreadableInput, "cannot read \(what) file", path: path)
        }
        return [UInt8](data)
    }

    /// Parses the bytes of a trail file; `path` names it in errors.
    static func parse(_ bytes: [UInt8], path: String) throws(CloudTrailVerifyError) -> [TrailConfiguration] {
        let document: StrictJSON.Value
        do {
            document = try StrictJSON.parse(bytes)
        } catch {
            throw CloudTrailVerifyError(.malformedTrailFile, "trail file is not valid JSON (\(error))", path: path)
        }
        let shape = "the output of aws cloudtrail describe-trails or get-trail"
        // Each entry with the name errors use for it.
        let entries: [(place: String, value: StrictJSON.Value)]
        if let list = document["trailList"] {
            guard case .array(let items) = list else {
                throw CloudTrailVerifyError(.malformedTrailFile, "trailList is not a list", path: path, expected: shape)
            }
            entries = items.enumerated().map { ("\(path) (trailList[\($0.offset)])", $0.element) }
        } else if let trail = document["Trail"] {
            entries = [("\(path) (Trail)", trail)]
        } else if document["TrailARN"] != nil {
            entries = [(path, document)]
        } else if document["Trails"] != nil {
            // list-trails output looks close but lacks the bucket: say which command to run instead.
            throw CloudTrailVerifyError(.malformedTrailFile, "this is list-trails output, which names no bucket; use describe-trails",
                                        path: path, expected: shape)
        } else {
            throw CloudTrailVerifyError(.malformedTrailFile, "trail file holds no trails", path: path, expected: shape)
        }

        var trails: [TrailConfiguration] = []
        var places: [TrailARN: String] = [:]
        for (place, value) in entries {
            let trail = try parseTrail(value, place: place)
            // Two entries for one ARN could disagree about the bucket or validation; refuse to pick one.
            if let earlier = places[trail.arn] {
                throw CloudTrailVerifyError(.malformedTrailFile, "trail is listed twice", path: place,
                                            expected: "each TrailARN once", found: "\(trail.arn) also at \(earlier)")
            }
            places[trail.arn] = place
            trails.append(trail)
        }
        return trails
    }

    private static func parseTrail(_ value: StrictJSON.Value, place: String) throws(CloudTrailVerifyError) -> TrailConfiguration {
        guard value.members != nil else {
            throw CloudTrailVerifyError(.malformedTrailFile, "trail entry is not an object", path: place)
        }
        let name = try string(value, "Name", place: place)
        if let problem = validateTrailName(name) {
            throw CloudTrailVerifyError(.malformedTrailFile, "Name is not a valid trail name: \(problem)", path: place, found: name)
        }
        let bucket = try string(value, "S3BucketName", place: place)
        // The bucket name picks a local folder, so nothing that could act as a path is accepted.
        guard !bucket.isEmpty, !bucket.contains("/"), !bucket.utf8.contains(0) else {
            throw CloudTrailVerifyError(.malformedTrailFile, "S3BucketName is not a bucket name", path: place, found: bucket)
        }
        let prefix: String?
        switch value["S3KeyPrefix"] {
        case nil, .null?:
            prefix = nil
        case .string(let text)?:
            // CloudTrail treats an empty prefix as none: keys then start with AWSLogs/.
            prefix = text.isEmpty ? nil : text
        default:
            throw CloudTrailVerifyError(.malformedTrailFile, "S3KeyPrefix is not a string", path: place)
        }
        let arnText = try string(value, "TrailARN", place: place)
        let arn: TrailARN
        do {
            arn = try TrailARN(arnText)
        } catch {
            throw CloudTrailVerifyError(.malformedTrailFile, "TrailARN is not a trail ARN", path: place,
                                        expected: error.expected, found: arnText)
        }
        guard arn.name == name else {
            throw CloudTrailVerifyError(.malformedTrailFile, "TrailARN names another trail than Name", path: place,
                                        expected: name, found: arn.name)
        }
        let homeRegion = try string(value, "HomeRegion", place: place)
        guard homeRegion == arn.region else {
            throw CloudTrailVerifyError(.malformedTrailFile, "HomeRegion is not the region in TrailARN", path: place,
                                        expected: arn.region, found: homeRegion)
        }
        return TrailConfiguration(
            name: name, bucket: bucket, prefix: prefix, arn: arn, homeRegion: homeRegion,
            isMultiRegion: try bool(value, "IsMultiRegionTrail", place: place),
            isOrganizationTrail: try bool(value, "IsOrganizationTrail", place: place),
            logFileValidationEnabled: try bool(value, "LogFileValidationEnabled", place: place))
    }

    private static func string(_ object: StrictJSON.Value, _ key: String, place: String) throws(CloudTrailVerifyError) -> String {
        switch object[key] {
        case .string(let text)?: return text
        case nil: throw CloudTrailVerifyError(.malformedTrailFile, "trail has no \(key)", path: place)
        default: throw CloudTrailVerifyError(.malformedTrailFile, "\(key) is not a string", path: place)
        }
    }

    private static func bool(_ object: StrictJSON.Value, _ key: String, place: String) throws(CloudTrailVerifyError) -> Bool {
        switch object[key] {
        case .bool(let flag)?: return flag
        case nil: throw CloudTrailVerifyError(.malformedTrailFile, "trail has no \(key)", path: place, expected: "true or false")
        default: throw CloudTrailVerifyError(.malformedTrailFile, "\(key) is not true or false", path: place)
        }
    }

    // MARK: Trail names

    /// Why `name` is not a valid trail name by CloudTrail's rules, or `nil` when it is.
    ///
    /// The rules: 3 to 128 characters; only ASCII letters, digits, `.`, `_` and `-`;
    /// starting and ending with a letter or digit; no two of `.`, `_`, `-` next to each
    /// other (`a._b`, `a--b`); not formatted as an IP address (`192.168.5.4`).
    static func validateTrailName(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        // Counted in characters, as CloudTrail states it; only ASCII passes the next check anyway.
        let length = name.count
        guard (3...128).contains(length) else { return "must be 3 to 128 characters long, not \(length)" }
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || (0x41...0x5a).contains(byte) || (0x61...0x7a).contains(byte)
        }
        func isPunctuation(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        if let bad = name.first(where: { !$0.isASCII || !$0.utf8.allSatisfy { isAlphanumeric($0) || isPunctuation($0) } }) {
            return "may hold only ASCII letters, digits, '.', '_' and '-', not \(String(reflecting: String(bad)))"
        }
        guard isAlphanumeric(bytes[0]) else { return "must start with a letter or digit" }
        guard isAlphanumeric(bytes[bytes.count - 1]) else { return "must end with a letter or digit" }
        for index in 1..<bytes.count where isPunctuation(bytes[index - 1]) && isPunctuation(bytes[index]) {
            let pair = String(decoding: bytes[index - 1...index], as: UTF8.self)
            return "must not have '.', '_' or '-' next to each other, as in \"\(pair)\""
        }
        // The shape of a dotted quad, whatever the numbers: CloudTrail speaks of the format.
        let groups = name.split(separator: ".", omittingEmptySubsequences: false)
        if groups.count == 4, groups.allSatisfy({ (1...3).contains($0.count) && $0.allSatisfy(\.isASCIIDigit) }) {
            return "must not be formatted as an IP address"
        }
        return nil
    }
}
