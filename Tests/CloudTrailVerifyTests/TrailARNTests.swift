import Foundation
import Testing
@testable import CloudTrailVerify

@Suite("TrailARN")
struct TrailARNTests {
    @Test("parses a trail ARN into partition, region, account and name")
    func parsesValid() throws {
        let arn = try TrailARN("arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events")
        #expect(arn.partition == "aws")
        #expect(arn.region == "us-east-1")
        #expect(arn.accountID == "111122223333")
        #expect(arn.name == "management-events")
        #expect(arn.description == "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events")
    }

    @Test("accepts other partitions and names with _ . - and even : or /", arguments: [
        ("arn:aws-us-gov:cloudtrail:us-gov-west-1:111122223333:trail/gov", "aws-us-gov", "gov"),
        ("arn:aws-cn:cloudtrail:cn-north-1:111122223333:trail/data.events_prod-1", "aws-cn", "data.events_prod-1"),
        ("arn:aws:cloudtrail:eu-west-1:111122223333:trail/a:b", "aws", "a:b"),
        ("arn:aws:cloudtrail:eu-west-1:111122223333:trail/a/b", "aws", "a/b"),
    ])
    func parsesOthers(text: String, partition: String, name: String) throws {
        let arn = try TrailARN(text)
        #expect(arn.partition == partition)
        #expect(arn.name == name)
        #expect(arn.description == text)
    }

    @Test("rejects other shapes with invalidArgument, naming the trailARN option and what was found", arguments: [
        "", "management-events", "arn:aws:s3:::bucket", "arn:aws:cloudtrail:us-east-1:111122223333",
        "arn:aws:cloudtrail:us-east-1:111122223333:trail/", "arn:aws:cloudtrail:us-east-1:111122223333:management-events",
        "arn::cloudtrail:us-east-1:111122223333:trail/t", "arn:aws:CloudTrail:us-east-1:111122223333:trail/t",
        "arn:aws:cloudtrail:US-EAST-1:111122223333:trail/t", "arn:aws:cloudtrail::111122223333:trail/t",
        "arn:aws:cloudtrail:us-east-1:11112222333:trail/t", "arn:aws:cloudtrail:us-east-1:1111222233334:trail/t",
        "arn:aws:cloudtrail:us-east-1:11112222333x:trail/t", "ARN:aws:cloudtrail:us-east-1:111122223333:trail/t",
        "arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/t", " arn:aws:cloudtrail:us-east-1:111122223333:trail/t",
    ])
    func rejectsInvalid(text: String) {
        do {
            let arn = try TrailARN(text)
            Issue.record("accepted \(arn)")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.option == .trailARN && error.path == nil)
            #expect(error.found == text)
            #expect(error.expected?.contains("trail/<name>") == true)
        }
    }
}
