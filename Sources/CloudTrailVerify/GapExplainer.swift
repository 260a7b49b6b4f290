import Foundation

/// A CloudTrail event that may explain a gap in a digest chain: logging stopped,
/// validation switched off, the trail deleted, or their opposites.
public struct GapExplanation: Sendable, Codable, Equatable {
    /// `StopLogging`, `DeleteTrail`, `UpdateTrail`, `StartLogging` or `CreateTrail`.
    public var eventName: String
    /// The record's `eventTime`, as written.
    public var eventTime: String
    /// Who made the call (`userIdentity.arn`), when the record says.
    public var userArn: String?
    /// Where the call came from (`sourceIPAddress`), when the record says.
    public var sourceIPAddress: String?
    /// The log file the record was read from, as the path was given.
    public var logFile: String
    /// The parameter that decided the meaning, as `EnableLogFileValidation false`.
    public var detail: String?
    /// What the event did: one of the ``Meaning`` texts.
    public var meaning: String

    public init(eventName: String, eventTime: String, userArn: String?, sourceIPAddress: String?,
                logFile: String, detail: String?, meaning: String) {
        self.eventName = eventName
        self.eventTime = eventTime
        self.userArn = userArn
        self.sourceIPAddress = sourceIPAddress
        self.logFile = logFile
        self.detail = detail
        self.meaning = meaning
    }

    /// The texts ``meaning`` takes.
    public enum Meaning {
        public static let loggingStopped = "logging stopped"
        public static let validationDisabled = "log file validation disabled"
        public static let trailDeleted = "trail deleted"
        public static let loggingStarted = "logging started"
        public static let validationEnabled = "log file validation enabled"
        public static let trailCreated = "trail created"
    }
}

/// Finds, in the log files delivered around a gap in a digest chain, the CloudTrail
/// calls that explain it.
///
/// A gap the AWS CLI reports only as missing digests often has a plain cause recorded
/// in the trail's own logs: someone called `StopLogging`, turned validation off with
/// `UpdateTrail`, or deleted the trail. The logs are evidence an attacker may have
/// written, so this only reports what they say; it never decides a verdict.
public enum GapExplainer {
    /// How far outside the gap an event still counts: CloudTrail delivers logs about
    /// every five minutes and digests hourly, so the cause lies up to an hour before
    /// the last digest and the cure up to an hour after the next.
    public static let margin: TimeInterval = 2 * 3600

    /// The most bytes one log file may inflate to; larger files are skipped.
    public static let maximumLogSize = 256 << 20

    /// The CloudTrail events in `logFiles` that explain a gap from `gapStart` to `gapEnd`,
    /// oldest first.
    ///
    /// - Parameters:
    ///   - logFiles: local paths of log files (`.json.gz`, or plain `.json`) delivered
    ///     around the gap. Files that cannot be read, inflated or parsed are skipped.
    ///   - gapStart: the end of the last digest before the gap.
    ///   - gapEnd: the start of the first digest after it.
    ///   - trailName: keep only calls about this trail (a name or a trail ARN), plus
    ///     calls that name no trail; `nil` keeps calls about every trail.
    public static func explain(logFiles: [String], gapStart: Date, gapEnd: Date, trailName: String?) -> [GapExplanation] {
        let window = gapStart.addingTimeInterval(-margin)...max(gapStart, gapEnd).addingTimeInterval(margin)
        // A name given as an ARN matches by its name part, as records name trails either way.
        let wanted = trailName.map { name in (try? TrailARN(name).name) ?? name }
        var found: [(date: Date, order: Int, explanation: GapExplanation)] = []
        var seenEventIDs: Set<String> = []
        for path in logFiles {
            guard let records = records(inLogFile: path) else { continue }
            for record in records {
                guard let match = explanation(of: record, logFile: path, trailName: wanted),
                      window.contains(match.date) else { continue }
                // CloudTrail may deliver an event twice; the same file may also be passed twice.
                if case .string(let eventID)? = record["eventID"], !seenEventIDs.insert(eventID).inserted { continue }
                found.append((match.date, found.count, match.explanation))
            }
        }
        return found.sorted { ($0.date, $0.order) < ($1.date, $1.order) }.map(\.explanation)
    }

    /// The `Records` of one log file, or `nil` when it cannot be read or is not a CloudTrail log.
    static func records(inLogFile path: String) -> [StrictJSON.Value]? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size <= maximumLogSize,
              let data = FileManager.default.contents(atPath: path) else { return nil }
        var bytes = [UInt8](data)
        if bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b {
            guard let inflated = try? GzipInflater.inflate(bytes, limit: maximumLogSize) else { return nil }
            bytes = inflated.bytes
        }
        guard let document = try? StrictJSON.parse(bytes), case .array(let records)? = document["Records"] else { return nil }
        return records
    }

    private static let trailEvents: Set<String> = ["StopLogging", "DeleteTrail", "UpdateTrail", "StartLogging", "CreateTrail"]

    /// What one record means for the gap, with its time; `nil` when it is not a relevant, successful trail call.
    static func explanation(of record: StrictJSON.Value, logFile: String, trailName: String?) -> (date: Date, explanation: GapExplanation)? {
        guard case .string("cloudtrail.amazonaws.com")? = record["eventSource"],
              case .string(let eventName)? = record["eventName"], trailEvents.contains(eventName),
              case .string(let eventTime)? = record["eventTime"], let date = CloudTrailTime.parse(eventTime) else {
            return nil
        }
        // A refused call (AccessDenied, TrailNotFound) changed nothing, so it explains nothing.
        switch record["errorCode"] {
        case nil, .null?: break
        case .string(let code)? where code.isEmpty: break
        default: return nil
        }
        let parameters = record["requestParameters"]
        if let trailName, case .string(let named)? = parameters?["name"],
           named != trailName, !named.hasSuffix(":trail/" + trailName) {
            return nil
        }
        let meaning: String
        var detail: String?
        switch eventName {
        case "StopLogging": meaning = GapExplanation.Meaning.loggingStopped
        case "StartLogging": meaning = GapExplanation.Meaning.loggingStarted
        case "DeleteTrail": meaning = GapExplanation.Meaning.trailDeleted
        default:
            // UpdateTrail and CreateTrail matter only when they set validation.
            let enabled: Bool
            switch parameters?["enableLogFileValidation"] {
            case .bool(let flag)?: enabled = flag
            case .string("true")?: enabled = true
            case .string("false")?: enabled = false
            default: return nil
            }
            detail = "EnableLogFileValidation \(enabled)"
            if eventName == "CreateTrail" {
                meaning = GapExplanation.Meaning.trailCreated
            } else {
                meaning = enabled ? GapExplanation.Meaning.validationEnabled : GapExplanation.Meaning.validationDisabled
            }
        }
        func text(_ value: StrictJSON.Value?) -> String? {
            if case .string(let text)? = value { return text }
            return nil
        }
        return (date, GapExplanation(eventName: eventName, eventTime: eventTime, userArn: text(record["userIdentity"]?["arn"]),
                                     sourceIPAddress: text(record["sourceIPAddress"]), logFile: logFile,
                                     detail: detail, meaning: meaning))
    }
}
