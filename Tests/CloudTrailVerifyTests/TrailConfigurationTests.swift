import Foundation
import Testing
@testable import CloudTrailVerify

@Suite("TrailConfiguration")
struct TrailConfigurationTests {
    /// One `describe-trails` entry as the AWS CLI prints it, every field included.
    static func trailEntry(name: String = "management-events", region: String = "us-east-1") -> [String: Any] {
        [
            "Name": name,
            "S3BucketName": "aws-cloudtrail-logs-111122223333-3f8a2b1c",
            "S3KeyPrefix": "org",
            "IncludeGlobalServiceEvents": true,
            "IsMultiRegionTrail": true,
            "HomeRegion": region,
            "TrailARN": "arn:aws:cloudtrail:\(region):111122223333:trail/\(name)",
            "LogFileValidationEnabled": true,
            "CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:111122223333:log-group:aws-cloudtrail-logs:*",
            "CloudWatchLogsRoleArn": "arn:aws:iam::111122223333:role/CloudTrailRoleForCloudWatchLogs",
            "KmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "HasCustomEventSelectors": false,
            "HasInsightSelectors": false,
            "IsOrganizationTrail": false,
        ]
    }

    static func parse(_ object: Any, path: String = "trails.json") throws -> [TrailConfiguration] {
        try TrailConfiguration.parse(try TestSupport.jsonBytes(object), path: path)
    }

    static func parseError(_ object: Any) throws -> CloudTrailVerifyError? {
        parseError(bytes: try TestSupport.jsonBytes(object))
    }

    static func parseError(bytes: [UInt8]) -> CloudTrailVerifyError? {
        do {
            let trails = try TrailConfiguration.parse(bytes, path: "trails.json")
            Issue.record("accepted \(trails)")
            return nil
        } catch {
            return error
        }
    }

    // MARK: Shapes

    @Test("reads every trail of describe-trails output, in order, ignoring fields it does not use")
    func describeTrails() throws {
        var second = Self.trailEntry(name: "data.events_prod-1", region: "eu-west-1")
        second["S3KeyPrefix"] = nil
        second["IsMultiRegionTrail"] = false
        second["IsOrganizationTrail"] = true
        second["LogFileValidationEnabled"] = false
        let trails = try Self.parse(["trailList": [Self.trailEntry(), second]])
        #expect(trails.count == 2)
        let first = try #require(trails.first)
        #expect(first.name == "management-events")
        #expect(first.bucket == "aws-cloudtrail-logs-111122223333-3f8a2b1c")
        #expect(first.prefix == "org")
        #expect(first.arn == (try TrailARN("arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events")))
        #expect(first.homeRegion == "us-east-1")
        #expect(first.isMultiRegion)
        #expect(!first.isOrganizationTrail)
        #expect(first.logFileValidationEnabled)
        #expect(trails[1] == TrailConfiguration(
            name: "data.events_prod-1", bucket: "aws-cloudtrail-logs-111122223333-3f8a2b1c", prefix: nil,
            arn: try TrailARN("arn:aws:cloudtrail:eu-west-1:111122223333:trail/data.events_prod-1"), homeRegion: "eu-west-1",
            isMultiRegion: false, isOrganizationTrail: true, logFileValidationEnabled: false))
    }

    @Test("reads get-trail output ({\"Trail\": …}) and a bare trail object")
    func getTrailAndBare() throws {
        let viaGetTrail = try Self.parse(["Trail": Self.trailEntry()])
        let bare = try Self.parse(Self.trailEntry())
        #expect(viaGetTrail.count == 1)
        #expect(viaGetTrail == bare)
        #expect(bare.first?.name == "management-events")
    }

    @Test("an empty trailList is no trails, not an error")
    func emptyList() throws {
        #expect(try Self.parse(["trailList": [Any]()]).isEmpty)
    }

    @Test("an empty or null S3KeyPrefix is no prefix", arguments: ["", nil] as [String?])
    func emptyPrefix(prefix: String?) throws {
        var entry = Self.trailEntry()
        entry["S3KeyPrefix"] = prefix.map { $0 as Any } ?? NSNull()
        #expect(try Self.parse(entry).first?.prefix == nil)
    }

    @Test("load reads a file; a missing file is unreadableInput naming it")
    func loadFromFile() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = dir + "/trails.json"
            try TestSupport.write(try TestSupport.jsonBytes(["trailList": [Self.trailEntry()]]), to: path)
            #expect(try TrailConfiguration.load(path: path).map(\.name) == ["management-events"])
            do throws(CloudTrailVerifyError) {
                _ = try TrailConfiguration.load(path: dir + "/missing.json")
                Issue.record("loaded a missing file")
            } catch {
                #expect(error.code == .unreadableInput)
                #expect(error.path == dir + "/missing.json")
            }
        }
    }

    // MARK: Refusals

    @Test("list-trails output is refused with a hint to use describe-trails")
    func listTrailsOutput() throws {
        let error = try #require(try Self.parseError(["Trails": [["TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/t1",
                                                                  "Name": "t1", "HomeRegion": "us-east-1"]]]))
        #expect(error.code == .malformedTrailFile)
        #expect(error.message.contains("describe-trails"))
    }

    @Test("input that is not JSON, or JSON of another shape, is malformedTrailFile", arguments: [
        "", "not json", "[]", "{}", #"{"trailList": {}}"#, #"{"trailList": [1]}"#, #"{"trailList": [], "trailList": []}"#,
    ])
    func notATrailFile(text: String) {
        let error = Self.parseError(bytes: Array(text.utf8))
        #expect(error?.code == .malformedTrailFile)
        #expect(error?.path?.hasPrefix("trails.json") == true)
    }

    /// One broken field in the second entry, and what the error must say about it.
    struct Breakage: Sendable, CustomStringConvertible {
        var description: String
        var key: String
        var value: Replacement
        var messageContains: String
    }

    /// What the broken field becomes.
    enum Replacement: Sendable {
        case removed, text(String), number(Int), flag(Bool), null

        var json: Any? {
            switch self {
            case .removed: return nil
            case .text(let text): return text
            case .number(let number): return number
            case .flag(let flag): return flag
            case .null: return NSNull()
            }
        }
    }

    @Test("each broken field is refused, naming the entry", arguments: [
        Breakage(description: "missing Name", key: "Name", value: .removed, messageContains: "no Name"),
        Breakage(description: "Name not a string", key: "Name", value: .number(5), messageContains: "Name is not a string"),
        Breakage(description: "invalid Name", key: "Name", value: .text("a--b"), messageContains: "not a valid trail name"),
        Breakage(description: "missing bucket", key: "S3BucketName", value: .removed, messageContains: "no S3BucketName"),
        Breakage(description: "bucket with a slash", key: "S3BucketName", value: .text("../etc"), messageContains: "not a bucket name"),
        Breakage(description: "empty bucket", key: "S3BucketName", value: .text(""), messageContains: "not a bucket name"),
        Breakage(description: "prefix not a string", key: "S3KeyPrefix", value: .flag(true), messageContains: "S3KeyPrefix"),
        Breakage(description: "missing ARN", key: "TrailARN", value: .removed, messageContains: "no TrailARN"),
        Breakage(description: "ARN of another service", key: "TrailARN", value: .text("arn:aws:s3:::bucket"), messageContains: "not a trail ARN"),
        Breakage(description: "ARN naming another trail", key: "TrailARN",
                 value: .text("arn:aws:cloudtrail:us-east-1:111122223333:trail/other"), messageContains: "another trail"),
        Breakage(description: "HomeRegion not the ARN's", key: "HomeRegion", value: .text("us-west-2"), messageContains: "HomeRegion"),
        Breakage(description: "missing HomeRegion", key: "HomeRegion", value: .removed, messageContains: "no HomeRegion"),
        Breakage(description: "flag as text", key: "LogFileValidationEnabled", value: .text("true"), messageContains: "not true or false"),
        Breakage(description: "missing flag", key: "IsOrganizationTrail", value: .removed, messageContains: "no IsOrganizationTrail"),
        Breakage(description: "null flag", key: "IsMultiRegionTrail", value: .null, messageContains: "IsMultiRegionTrail"),
    ])
    func brokenField(breakage: Breakage) throws {
        var entry = Self.trailEntry(name: "second-trail")
        entry[breakage.key] = breakage.value.json
        let error = try #require(try Self.parseError(["trailList": [Self.trailEntry(), entry]]))
        #expect(error.code == .malformedTrailFile)
        #expect(error.path == "trails.json (trailList[1])")
        #expect(error.message.contains(breakage.messageContains), "\(error)")
    }

    @Test("a mismatch says what was expected and found")
    func mismatchDetails() throws {
        var entry = Self.trailEntry()
        entry["HomeRegion"] = "us-west-2"
        let error = try #require(try Self.parseError(entry))
        #expect(error.expected == "us-east-1")
        #expect(error.found == "us-west-2")
        #expect(error.path == "trails.json")
    }

    @Test("the same trail listed twice is refused")
    func duplicateTrail() throws {
        let error = try #require(try Self.parseError(["trailList": [Self.trailEntry(), Self.trailEntry()]]))
        #expect(error.code == .malformedTrailFile)
        #expect(error.message.contains("twice"))
        #expect(error.path == "trails.json (trailList[1])")
    }

    // MARK: Trail names

    @Test("accepts names that follow CloudTrail's rules", arguments: [
        "abc", "management-events", "My.Trail_1", "a-b.c_d", "1.2.3", "192.168.5.4a", "10.0.0.0.1", "a.1.2.3",
        String(repeating: "x", count: 128),
    ])
    func validNames(name: String) {
        #expect(TrailConfiguration.validateTrailName(name) == nil)
    }

    @Test("refuses names that break CloudTrail's rules, saying which", arguments: [
        ("ab", "3 to 128"), (String(repeating: "x", count: 129), "3 to 128"), ("", "3 to 128"),
        ("my trail", "only ASCII"), ("trä", "only ASCII"), ("a/b", "only ASCII"), ("a:b", "only ASCII"),
        ("-abc", "start"), ("_abc", "start"), (".abc", "start"), ("abc-", "end"), ("abc.", "end"),
        ("a._b", "next to each other"), ("a--b", "next to each other"), ("my-_namespace", "next to each other"),
        ("a_.b", "next to each other"), ("a..b", "next to each other"),
        ("192.168.5.4", "IP address"), ("1.2.3.4", "IP address"), ("999.999.999.999", "IP address"),
    ])
    func invalidNames(name: String, reason: String) throws {
        let problem = try #require(TrailConfiguration.validateTrailName(name))
        #expect(problem.contains(reason), "\(problem)")
    }
}
