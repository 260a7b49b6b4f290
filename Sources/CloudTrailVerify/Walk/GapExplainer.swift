import Foundation

/// A CloudTrail event that may explain a gap in a digest chain: logging stopped,
/// validation switched off, the trail deleted, or their opposites.
public struct GapExplanation: Sendable, Codable, Equatable {
    /// `StopLogging`, `DeleteTrail`, `UpdateTrail`, `StartLogging` or `CreateTrail`.
    public internal(set) var eventName: String
    /// The record's `eventTime`, as written.
    public internal(set) var eventTime: String
    /// Who made the call (`userIdentity.arn`), when the record says.
    public internal(set) var userARN: String?
    /// Where the call came from (`sourceIPAddress`), when the record says.
    public internal(set) var sourceIPAddress: String?
    /// The log file the record was read from, as the path was given.
    public internal(set) var logFile: String
    /// The parameter that decided the meaning, as `EnableLogFileValidation false`.
    public internal(set) var detail: String?
    /// What the event did: one of the ``Meaning`` texts.
    public internal(set) var meaning: String

    init(eventName: String, eventTime: String, userARN: String?, sourceIPAddress: String?,
                logFile: String, detail: String?, meaning: String) {
        self.eventName = eventName
        self.eventTime = eventTime
        self.userARN = userARN
        self.sourceIPAddress = sourceIPAddress
        self.logFile = logFile
        self.detail = detail
        self.meaning = meaning
    }

    /// The JSON keys, as `docs/report.md` documents them.
    enum CodingKeys: String, CodingKey {
        case eventName, eventTime, userARN = "userArn", sourceIPAddress, logFile, detail, meaning
    }

    /// The texts ``meaning`` takes.
    public enum Meaning {
        /// `StopLogging`: the trail stopped delivering logs.
        public static let loggingStopped = "logging stopped"
        /// `UpdateTrail` with `EnableLogFileValidation false`: no digests from then on.
        public static let validationDisabled = "log file validation disabled"
        /// `DeleteTrail`: the trail, and its deliveries, ended.
        public static let trailDeleted = "trail deleted"
        /// `StartLogging`: deliveries resumed.
        public static let loggingStarted = "logging started"
        /// `UpdateTrail` with `EnableLogFileValidation true`: digests resumed.
        public static let validationEnabled = "log file validation enabled"
        /// `CreateTrail`: a trail (perhaps of the same name) began.
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
enum GapExplainer {
    /// How far outside the gap an event still counts: CloudTrail delivers logs about
    /// every five minutes and digests hourly, so the cause lies up to an hour before
    /// the last digest and the cure up to an hour after the next.
    static let margin: TimeInterval = 2 * 3600

    /// The most bytes one log file may hold on disk; larger files are not read for explanations.
    static let maximumLogSize = 256 << 20
    /// The most inflated bytes of one log searched for a CloudTrail call (as a stream, in constant memory).
    static let maximumScannedLogSize = 1 << 30
    /// The most inflated bytes of one log that holds `cloudtrail.amazonaws.com` (or a `\u` escape) and is
    /// therefore parsed; with ``maximumLogValueCount`` this bounds the memory a log costs.
    static let maximumParsedLogSize = 48 << 20
    /// The most JSON values kept while parsing one log: the records that may explain a gap, plus the record
    /// being read. A real CloudTrail record holds tens to hundreds.
    static let maximumLogValueCount = 100_000

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
    static func explain(logFiles: [String], gapStart: Date, gapEnd: Date, trailName: String?) -> [GapExplanation] {
        search(logFiles: logFiles, gapStart: gapStart, gapEnd: gapEnd, trailName: trailName).explanations
    }

    /// ``explain(logFiles:gapStart:gapEnd:trailName:)``, also saying which files could not be read for
    /// explanations and why (a limit, a link, a broken file): a skipped file is reported, never passed over.
    static func search(logFiles: [String], gapStart: Date, gapEnd: Date, trailName: String?)
        -> (explanations: [GapExplanation], skipped: [(path: String, reason: String)]) {
        let window = gapStart.addingTimeInterval(-margin)...max(gapStart, gapEnd).addingTimeInterval(margin)
        // A name given as an ARN matches by its name part, as records name trails either way.
        let wanted = trailName.map { name in (try? TrailARN(name).name) ?? name }
        var found: [(date: Date, order: Int, explanation: GapExplanation)] = []
        var seenEventIDs: Set<String> = []
        var skipped: [(path: String, reason: String)] = []
        for path in logFiles {
            let records: [StrictJSON.Value]
            switch Self.records(inLogFile: path) {
            case .success(let kept): records = kept
            case .failure(let skip):
                skipped.append((path, skip.reason))
                continue
            }
            for record in records {
                guard let match = explanation(of: record, logFile: path, trailName: wanted),
                      window.contains(match.date) else { continue }
                // CloudTrail may deliver an event twice; the same file may also be passed twice.
                if case .string(let eventID)? = record["eventID"], !seenEventIDs.insert(eventID).inserted { continue }
                found.append((match.date, found.count, match.explanation))
            }
        }
        return (found.sorted { ($0.date, $0.order) < ($1.date, $1.order) }.map(\.explanation), skipped)
    }

    /// The records of one log file that may explain a gap (successful or not, about any trail: calls to
    /// CloudTrail's trail APIs), or why the file could not be read for explanations.
    ///
    /// Memory is bounded whatever the file holds (see ``ExplanationLogReader``): a log with no CloudTrail
    /// call is only searched, as a stream, and one that may hold one is parsed keeping only these records.
    /// A log with no CloudTrail call gives no records and no reason.
    static func records(inLogFile path: String) -> Result<[StrictJSON.Value], ExplanationLogReader.Skip> {
        let limits = ExplanationLogReader.Limits(fileSize: maximumLogSize, scannedSize: maximumScannedLogSize,
                                                 parsedSize: maximumParsedLogSize, valueCount: maximumLogValueCount)
        return ExplanationLogReader.records(inLogFile: path, limits: limits) { record in
            guard case .string("cloudtrail.amazonaws.com")? = record["eventSource"],
                  case .string(let eventName)? = record["eventName"] else { return false }
            return trailEvents.contains(eventName)
        }
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
        return (date, GapExplanation(eventName: eventName, eventTime: eventTime, userARN: text(record["userIdentity"]?["arn"]),
                                     sourceIPAddress: text(record["sourceIPAddress"]), logFile: logFile,
                                     detail: detail, meaning: meaning))
    }
}
