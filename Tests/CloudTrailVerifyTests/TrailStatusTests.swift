import Foundation
import Testing
@testable import CloudTrailVerify

@Suite("TrailStatus")
struct TrailStatusTests {
    static func parse(_ text: String) throws(CloudTrailVerifyError) -> TrailStatus {
        try TrailStatus.parse(Array(text.utf8), path: "status.json")
    }

    @Test("reads AWS CLI v1 output: epoch-second times")
    func cliV1() throws {
        let status = try Self.parse("""
            {
                "IsLogging": true,
                "LatestDeliveryTime": 1741262645.123,
                "StartLoggingTime": 1740787200.0,
                "LatestDigestDeliveryTime": 1741262400,
                "LatestNotificationAttemptTime": "",
                "LatestNotificationAttemptSucceeded": "",
                "LatestDeliveryAttemptTime": "2025-03-06T12:04:05Z",
                "LatestDeliveryAttemptSucceeded": "2025-03-06T12:04:05Z",
                "TimeLoggingStarted": "2025-03-01T00:00:00Z",
                "TimeLoggingStopped": ""
            }
            """)
        #expect(status.isLogging)
        #expect(status.latestDeliveryTime == Date(timeIntervalSince1970: 1_741_262_645.123))
        #expect(status.startLoggingTime == Date(timeIntervalSince1970: 1_740_787_200))
        #expect(status.latestDigestDeliveryTime == Date(timeIntervalSince1970: 1_741_262_400))
        #expect(status.stopLoggingTime == nil)
        #expect(status.latestDigestDeliveryError == nil)
        #expect(status.latestDeliveryError == nil)
    }

    @Test("reads AWS CLI v2 output: ISO-8601 times with microseconds and an offset, and delivery errors")
    func cliV2() throws {
        let status = try Self.parse("""
            {
                "IsLogging": false,
                "LatestDeliveryError": "AccessDenied",
                "LatestDigestDeliveryError": "NoSuchBucket",
                "LatestDeliveryTime": "2025-03-06T12:04:05.123000+00:00",
                "LatestDigestDeliveryTime": "2025-03-06T11:09:41+00:00",
                "StartLoggingTime": "2025-03-01T00:00:00+00:00",
                "StopLoggingTime": "2025-03-06T13:00:00.500000+01:00"
            }
            """)
        #expect(!status.isLogging)
        #expect(status.latestDeliveryError == "AccessDenied")
        #expect(status.latestDigestDeliveryError == "NoSuchBucket")
        let delivered = try #require(status.latestDeliveryTime)
        #expect(abs(delivered.timeIntervalSince1970 - 1_741_262_645.123) < 0.000_5)
        #expect(status.latestDigestDeliveryTime == CloudTrailTime.parse("2025-03-06T11:09:41Z"))
        #expect(status.startLoggingTime == CloudTrailTime.parse("2025-03-01T00:00:00Z"))
        #expect(status.stopLoggingTime == Date(timeIntervalSince1970: 1_741_262_400.5))
    }

    @Test("only IsLogging is required; absent, null and empty fields stay nil")
    func minimal() throws {
        #expect(try Self.parse(#"{"IsLogging": true}"#) == TrailStatus(isLogging: true))
        #expect(try Self.parse(#"{"IsLogging": false, "StopLoggingTime": null, "LatestDigestDeliveryError": ""}"#)
                == TrailStatus(isLogging: false))
    }

    @Test("refuses what get-trail-status never prints, with malformedTrailFile", arguments: [
        ("", "not valid JSON"), ("[]", "not an object"), ("{}", "no IsLogging"), (#"{"IsLogging": "true"}"#, "IsLogging"),
        (#"{"IsLogging": true, "IsLogging": false}"#, "duplicate key"),
        (#"{"IsLogging": true, "LatestDeliveryTime": "yesterday"}"#, "LatestDeliveryTime is not a time"),
        (#"{"IsLogging": true, "StartLoggingTime": true}"#, "StartLoggingTime is not a time"),
        (#"{"IsLogging": true, "StopLoggingTime": 1e999}"#, "StopLoggingTime is not a time"),
        (#"{"IsLogging": true, "LatestDigestDeliveryError": 5}"#, "LatestDigestDeliveryError is not a string"),
    ])
    func refusals(text: String, messageContains: String) {
        do {
            let status = try Self.parse(text)
            Issue.record("accepted \(status)")
        } catch {
            #expect(error.code == .malformedTrailFile)
            #expect(error.path == "status.json")
            #expect(error.message.contains(messageContains), "\(error)")
        }
    }

    @Test("load reads a file; a missing file or a folder is unreadableInput")
    func load() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = dir + "/status.json"
            try TestSupport.write(#"{"IsLogging": true, "LatestDigestDeliveryTime": 1741262400}"#, to: path)
            #expect(try TrailStatus.load(path: path).latestDigestDeliveryTime == Date(timeIntervalSince1970: 1_741_262_400))
            for bad in [dir + "/missing.json", dir] {
                do throws(CloudTrailVerifyError) {
                    _ = try TrailStatus.load(path: bad)
                    Issue.record("loaded \(bad)")
                } catch {
                    #expect(error.code == .unreadableInput)
                    #expect(error.path == bad)
                }
            }
        }
    }
}
