import Foundation
import Testing
@testable import CloudTrailVerify

@Suite("GapExplainer")
struct GapExplainerTests {
    static let trailARN = "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events"
    static let mallory = "arn:aws:iam::111122223333:user/Mallory"
    /// The last digest before the gap ends here; the first after it starts at ``gapEnd``.
    static let gapStart = CloudTrailTime.parse("2025-03-01T19:09:41Z")!
    static let gapEnd = CloudTrailTime.parse("2025-03-02T01:09:41Z")!

    /// A StopLogging record exactly as CloudTrail writes one for an IAM user calling the CLI.
    static var stopLogging: [String: Any] { [
        "eventVersion": "1.09",
        "userIdentity": [
            "type": "IAMUser",
            "principalId": "AIDAJ45Q7YFFAREXAMPLE",
            "arn": mallory,
            "accountId": "111122223333",
            "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
            "userName": "Mallory",
        ] as [String: Any],
        "eventTime": "2025-03-01T19:42:07Z",
        "eventSource": "cloudtrail.amazonaws.com",
        "eventName": "StopLogging",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "198.51.100.23",
        "userAgent": "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.8 command/cloudtrail.stop-logging",
        "requestParameters": ["name": trailARN],
        "responseElements": NSNull(),
        "requestID": "8c5f6f1e-3c3b-4f0e-9a43-2f5d0b1e7a10",
        "eventID": "1f2e3d4c-5b6a-4789-8abc-def012345678",
        "readOnly": false,
        "eventType": "AwsApiCall",
        "managementEvent": true,
        "recipientAccountId": "111122223333",
        "eventCategory": "Management",
        "tlsDetails": ["tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                       "clientProvidedHostHeader": "cloudtrail.us-east-1.amazonaws.com"],
    ] }

    /// A smaller record of `eventName` at `time`, with the given request parameters.
    static func record(_ eventName: String, at time: String, source: String = "cloudtrail.amazonaws.com",
                       parameters: [String: Any]? = nil, id: String = UUID().uuidString,
                       extra: [String: Any] = [:]) -> [String: Any] {
        var record: [String: Any] = [
            "eventVersion": "1.09",
            "userIdentity": ["type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/Admin/alice",
                             "accountId": "111122223333"] as [String: Any],
            "eventTime": time, "eventSource": source, "eventName": eventName, "awsRegion": "us-east-1",
            "sourceIPAddress": "203.0.113.7", "userAgent": "console.amazonaws.com",
            "requestParameters": parameters.map { $0 as Any } ?? NSNull(), "responseElements": NSNull(),
            "eventID": id, "readOnly": false, "eventType": "AwsApiCall", "managementEvent": true,
            "recipientAccountId": "111122223333", "eventCategory": "Management",
        ]
        record.merge(extra) { $1 }
        return record
    }

    static func logBytes(_ records: [[String: Any]]) throws -> [UInt8] {
        try TestSupport.jsonBytes(["Records": records])
    }

    /// Records around the gap in two files, a gzipped one and a plain one, plus unreadable files.
    struct Scenario {
        var gzipped: String
        var plain: String
        var broken: [String]
        var all: [String] { [gzipped, plain] + broken }
    }

    static func makeScenario(in dir: String) throws -> Scenario {
        let gzipped = dir + "/111122223333_CloudTrail_us-east-1_20250301T1945Z_a.json.gz"
        try TestSupport.write(try TestSupport.gzip(try logBytes([
            record("ConsoleLogin", at: "2025-03-01T19:40:00Z", source: "signin.amazonaws.com"),
            record("GetObject", at: "2025-03-01T19:41:00Z", source: "s3.amazonaws.com", parameters: ["bucketName": "b"]),
            // Read-only CloudTrail calls explain nothing.
            record("DescribeTrails", at: "2025-03-01T19:41:30Z"),
            // A refused StopLogging changed nothing.
            record("StopLogging", at: "2025-03-01T19:41:50Z", parameters: ["name": "management-events"],
                   extra: ["errorCode": "AccessDenied", "errorMessage": "User is not authorized"]),
            stopLogging,
        ])), to: gzipped)

        let plain = dir + "/111122223333_CloudTrail_us-east-1_20250302T0100Z_b.json"
        try TestSupport.write(try logBytes([
            // Exactly two hours before the gap: still counts.
            record("DeleteTrail", at: "2025-03-01T17:09:41Z", parameters: ["name": "management-events"]),
            // A second earlier: too early.
            record("StopLogging", at: "2025-03-01T17:09:40Z", parameters: ["name": "management-events"]),
            record("UpdateTrail", at: "2025-03-01T19:30:00Z",
                   parameters: ["name": "management-events", "enableLogFileValidation": false]),
            // UpdateTrail that leaves validation alone.
            record("UpdateTrail", at: "2025-03-01T19:31:00Z", parameters: ["name": "management-events", "s3KeyPrefix": "x"]),
            // Another trail's calls.
            record("StopLogging", at: "2025-03-01T20:00:00Z",
                   parameters: ["name": "arn:aws:cloudtrail:us-east-1:111122223333:trail/other-trail"]),
            record("CreateTrail", at: "2025-03-02T00:50:00Z",
                   parameters: ["name": "management-events", "s3BucketName": "b", "enableLogFileValidation": true,
                                "isMultiRegionTrail": true]),
            // No name at all: kept, it may be ours.
            record("StartLogging", at: "2025-03-02T00:55:00Z", parameters: [:]),
            // Long after the gap.
            record("StopLogging", at: "2025-03-02T03:09:42Z", parameters: ["name": "management-events"]),
            // Not records CloudTrail writes, but an attacker might: skipped, not fatal.
            ["eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging", "eventTime": "not a time"],
            ["eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging"],
        ]) + [UInt8]("\n".utf8), to: plain)

        var broken: [String] = []
        let truncated = dir + "/truncated.json.gz"
        try TestSupport.write(Array(try TestSupport.gzip(try logBytes([stopLogging])).dropLast(6)), to: truncated)
        let garbage = dir + "/garbage.json"
        try TestSupport.write("{\"Records\": [", to: garbage)
        let notALog = dir + "/not-a-log.json"
        try TestSupport.write(#"{"digestStartTime": "2025-03-01T19:09:41Z"}"#, to: notALog)
        let binary = dir + "/binary.json.gz"
        try TestSupport.write([0x1f, 0x8b] + TestSupport.pseudoRandomBytes(count: 512), to: binary)
        broken = [truncated, garbage, notALog, binary, dir + "/missing.json.gz", dir]
        return Scenario(gzipped: gzipped, plain: plain, broken: broken)
    }

    @Test("finds the calls that explain the gap, oldest first, skipping noise, refused calls, other trails and broken files",
          .enabled(if: TestSupport.hasGzip))
    func explainsGap() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let scenario = try Self.makeScenario(in: dir)
            let found = GapExplainer.explain(logFiles: scenario.all, gapStart: Self.gapStart, gapEnd: Self.gapEnd,
                                             trailName: "management-events")
            let admin = "arn:aws:sts::111122223333:assumed-role/Admin/alice"
            #expect(found == [
                GapExplanation(eventName: "DeleteTrail", eventTime: "2025-03-01T17:09:41Z", userARN: admin,
                               sourceIPAddress: "203.0.113.7", logFile: scenario.plain, detail: nil, meaning: "trail deleted"),
                GapExplanation(eventName: "UpdateTrail", eventTime: "2025-03-01T19:30:00Z", userARN: admin,
                               sourceIPAddress: "203.0.113.7", logFile: scenario.plain,
                               detail: "EnableLogFileValidation false", meaning: "log file validation disabled"),
                GapExplanation(eventName: "StopLogging", eventTime: "2025-03-01T19:42:07Z", userARN: Self.mallory,
                               sourceIPAddress: "198.51.100.23", logFile: scenario.gzipped, detail: nil,
                               meaning: "logging stopped"),
                GapExplanation(eventName: "CreateTrail", eventTime: "2025-03-02T00:50:00Z", userARN: admin,
                               sourceIPAddress: "203.0.113.7", logFile: scenario.plain,
                               detail: "EnableLogFileValidation true", meaning: "trail created"),
                GapExplanation(eventName: "StartLogging", eventTime: "2025-03-02T00:55:00Z", userARN: admin,
                               sourceIPAddress: "203.0.113.7", logFile: scenario.plain, detail: nil,
                               meaning: "logging started"),
            ])
        }
    }

    @Test("without a trail name every trail's calls count; given as an ARN, the name part is matched",
          .enabled(if: TestSupport.hasGzip))
    func trailNameFilter() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let scenario = try Self.makeScenario(in: dir)
            let all = GapExplainer.explain(logFiles: scenario.all, gapStart: Self.gapStart, gapEnd: Self.gapEnd, trailName: nil)
            #expect(all.map(\.eventTime) == ["2025-03-01T17:09:41Z", "2025-03-01T19:30:00Z", "2025-03-01T19:42:07Z",
                                             "2025-03-01T20:00:00Z", "2025-03-02T00:50:00Z", "2025-03-02T00:55:00Z"])
            let byARN = GapExplainer.explain(logFiles: scenario.all, gapStart: Self.gapStart, gapEnd: Self.gapEnd,
                                             trailName: Self.trailARN)
            let byName = GapExplainer.explain(logFiles: scenario.all, gapStart: Self.gapStart, gapEnd: Self.gapEnd,
                                              trailName: "management-events")
            #expect(byARN == byName)
            let other = GapExplainer.explain(logFiles: scenario.all, gapStart: Self.gapStart, gapEnd: Self.gapEnd,
                                             trailName: "other-trail")
            // The other trail's StopLogging, and the StartLogging that names no trail.
            #expect(other.map(\.eventTime) == ["2025-03-01T20:00:00Z", "2025-03-02T00:55:00Z"])
        }
    }

    @Test("an event delivered twice, or a file given twice, is reported once")
    func duplicates() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let first = dir + "/a.json", second = dir + "/b.json"
            try TestSupport.write(try Self.logBytes([Self.stopLogging]), to: first)
            try TestSupport.write(try Self.logBytes([Self.stopLogging]), to: second)
            let found = GapExplainer.explain(logFiles: [first, second, first], gapStart: Self.gapStart, gapEnd: Self.gapEnd,
                                             trailName: "management-events")
            #expect(found.count == 1)
            #expect(found.first?.logFile == first)
        }
    }

    @Test("UpdateTrail with validation given as text, and records whose fields are missing or of the wrong type")
    func oddRecords() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = dir + "/odd.json"
            try TestSupport.write(try Self.logBytes([
                Self.record("UpdateTrail", at: "2025-03-01T20:00:00Z",
                            parameters: ["name": "management-events", "enableLogFileValidation": "false"],
                            extra: ["userIdentity": ["type": "AWSService", "invokedBy": "cloudtrail.amazonaws.com"]]),
                Self.record("UpdateTrail", at: "2025-03-01T20:01:00Z", parameters: ["enableLogFileValidation": 0]),
                Self.record("StopLogging", at: "2025-03-01T20:02:00Z", extra: ["sourceIPAddress": 5, "eventName": 7]),
                Self.record("DeleteTrail", at: "2025-03-01T20:03:00Z", parameters: ["name": 5],
                            extra: ["sourceIPAddress": NSNull()]),
            ]), to: path)
            let found = GapExplainer.explain(logFiles: [path], gapStart: Self.gapStart, gapEnd: Self.gapEnd,
                                             trailName: "management-events")
            #expect(found == [
                GapExplanation(eventName: "UpdateTrail", eventTime: "2025-03-01T20:00:00Z", userARN: nil,
                               sourceIPAddress: "203.0.113.7", logFile: path, detail: "EnableLogFileValidation false",
                               meaning: "log file validation disabled"),
                GapExplanation(eventName: "DeleteTrail", eventTime: "2025-03-01T20:03:00Z",
                               userARN: "arn:aws:sts::111122223333:assumed-role/Admin/alice", sourceIPAddress: nil,
                               logFile: path, detail: nil, meaning: "trail deleted"),
            ])
        }
    }

    @Test("no log files, or only unreadable ones, explain nothing")
    func nothing() {
        #expect(GapExplainer.explain(logFiles: [], gapStart: Self.gapStart, gapEnd: Self.gapEnd, trailName: nil).isEmpty)
        #expect(GapExplainer.explain(logFiles: ["/nonexistent/x.json.gz"], gapStart: Self.gapStart, gapEnd: Self.gapEnd,
                                     trailName: nil).isEmpty)
    }

    @Test("explanations encode as JSON with the field names the report uses")
    func encodes() throws {
        let explanation = GapExplanation(eventName: "StopLogging", eventTime: "2025-03-01T19:42:07Z", userARN: Self.mallory,
                                         sourceIPAddress: nil, logFile: "a.json.gz", detail: nil, meaning: "logging stopped")
        let object = try TestSupport.jsonObject([UInt8](try JSONEncoder().encode(explanation)))
        #expect(Set(object.keys) == ["eventName", "eventTime", "userArn", "logFile", "meaning"])
        #expect(try JSONDecoder().decode(GapExplanation.self, from: try JSONEncoder().encode(explanation)) == explanation)
    }
}
