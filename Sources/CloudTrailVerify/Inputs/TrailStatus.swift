import Foundation

/// A trail's delivery status, as `aws cloudtrail get-trail-status` prints it.
///
/// Says whether the trail is logging now and when CloudTrail last delivered logs and
/// digests, so a missing tail of the digest chain can be told apart from logging that
/// was stopped. Times come as AWS CLI v1 epoch seconds (`1700000000.123`) or CLI v2
/// ISO-8601 text (`2025-03-06T12:04:05.123000+00:00`); fields the output lacks stay `nil`.
struct TrailStatus: Sendable, Hashable {
    /// Whether the trail is logging now (`IsLogging`).
    var isLogging: Bool
    /// When CloudTrail last delivered a digest file (`LatestDigestDeliveryTime`).
    var latestDigestDeliveryTime: Date?
    /// When CloudTrail last delivered a log file (`LatestDeliveryTime`).
    var latestDeliveryTime: Date?
    /// When logging was last started (`StartLoggingTime`).
    var startLoggingTime: Date?
    /// When logging was last stopped (`StopLoggingTime`).
    var stopLoggingTime: Date?
    /// Why the last digest delivery failed, as S3 put it (`LatestDigestDeliveryError`).
    var latestDigestDeliveryError: String?
    /// Why the last log delivery failed, as S3 put it (`LatestDeliveryError`).
    var latestDeliveryError: String?

    init(isLogging: Bool, latestDigestDeliveryTime: Date? = nil, latestDeliveryTime: Date? = nil,
                startLoggingTime: Date? = nil, stopLoggingTime: Date? = nil,
                latestDigestDeliveryError: String? = nil, latestDeliveryError: String? = nil) {
        self.isLogging = isLogging
        self.latestDigestDeliveryTime = latestDigestDeliveryTime
        self.latestDeliveryTime = latestDeliveryTime
        self.startLoggingTime = startLoggingTime
        self.stopLoggingTime = stopLoggingTime
        self.latestDigestDeliveryError = latestDigestDeliveryError
        self.latestDeliveryError = latestDeliveryError
    }

    /// Reads a file holding `get-trail-status` output. Throws ``CloudTrailVerifyError/Code/malformedTrailFile``
    /// when it is not that, ``CloudTrailVerifyError/Code/unreadableInput`` when it cannot be read.
    static func load(path: String) throws(CloudTrailVerifyError) -> TrailStatus {
        try parse(try TrailConfiguration.readTrailFile(path: path, what: "trail status"), path: path)
    }

    /// Parses the bytes of `get-trail-status` output; `path` names it in errors.
    static func parse(_ bytes: [UInt8], path: String) throws(CloudTrailVerifyError) -> TrailStatus {
        let document: StrictJSON.Value
        do {
            document = try StrictJSON.parse(bytes)
        } catch {
            throw CloudTrailVerifyError(.malformedTrailFile, "trail status file is not valid JSON (\(error))", path: path)
        }
        let shape = "the output of aws cloudtrail get-trail-status"
        guard document.members != nil else {
            throw CloudTrailVerifyError(.malformedTrailFile, "trail status is not an object", path: path, expected: shape)
        }
        let isLogging: Bool
        switch document["IsLogging"] {
        case .bool(let flag)?: isLogging = flag
        case nil: throw CloudTrailVerifyError(.malformedTrailFile, "trail status has no IsLogging", path: path, expected: shape)
        default: throw CloudTrailVerifyError(.malformedTrailFile, "IsLogging is not true or false", path: path)
        }
        return TrailStatus(
            isLogging: isLogging,
            latestDigestDeliveryTime: try time(document, "LatestDigestDeliveryTime", path: path),
            latestDeliveryTime: try time(document, "LatestDeliveryTime", path: path),
            startLoggingTime: try time(document, "StartLoggingTime", path: path),
            stopLoggingTime: try time(document, "StopLoggingTime", path: path),
            latestDigestDeliveryError: try text(document, "LatestDigestDeliveryError", path: path),
            latestDeliveryError: try text(document, "LatestDeliveryError", path: path))
    }

    private static func time(_ object: StrictJSON.Value, _ key: String, path: String) throws(CloudTrailVerifyError) -> Date? {
        switch object[key] {
        case nil, .null?:
            return nil
        case .number(let number)?:
            // AWS CLI v1 prints epoch seconds.
            if let seconds = Double(number), seconds.isFinite { return Date(timeIntervalSince1970: seconds) }
            throw CloudTrailVerifyError(.malformedTrailFile, "\(key) is not a time", path: path, found: number)
        case .string(let string)?:
            // AWS CLI v2 prints ISO-8601; epoch seconds as text appear when output was post-processed.
            if let date = CloudTrailTime.parse(string) { return date }
            if let seconds = Double(string), seconds.isFinite { return Date(timeIntervalSince1970: seconds) }
            throw CloudTrailVerifyError(.malformedTrailFile, "\(key) is not a time", path: path,
                                        expected: "epoch seconds or an ISO-8601 time", found: string)
        default:
            throw CloudTrailVerifyError(.malformedTrailFile, "\(key) is not a time", path: path,
                                        expected: "epoch seconds or an ISO-8601 time")
        }
    }

    private static func text(_ object: StrictJSON.Value, _ key: String, path: String) throws(CloudTrailVerifyError) -> String? {
        switch object[key] {
        case nil, .null?:
            return nil
        case .string(let string)?:
            // An empty error is no error.
            return string.isEmpty ? nil : string
        default:
            throw CloudTrailVerifyError(.malformedTrailFile, "\(key) is not a string", path: path)
        }
    }
}
