import Foundation
import Testing
@testable import CloudTrailVerify

@Suite("CloudTrailTime")
struct CloudTrailTimeTests {
    /// 2025-03-01T01:09:41Z.
    static let reference = Date(timeIntervalSince1970: 1_740_791_381)

    @Test("parses ISO-8601 with a Z suffix")
    func parsesZulu() {
        #expect(CloudTrailTime.parse("2025-03-01T01:09:41Z") == Self.reference)
        #expect(CloudTrailTime.parse("2025-03-01T01:09:41z") == Self.reference)
    }

    @Test("parses a +00:00 offset, a +0000 offset and no offset as the same UTC instant")
    func parsesZeroOffsets() {
        #expect(CloudTrailTime.parse("2025-03-01T01:09:41+00:00") == Self.reference)
        #expect(CloudTrailTime.parse("2025-03-01T01:09:41+0000") == Self.reference)
        #expect(CloudTrailTime.parse("2025-03-01T01:09:41") == Self.reference)
        #expect(CloudTrailTime.parse("2025-03-01 01:09:41") == Self.reference)
    }

    @Test("applies a non-zero offset by subtracting it")
    func appliesNonZeroOffsets() {
        #expect(CloudTrailTime.parse("2025-03-01T03:09:41+02:00") == Self.reference)
        #expect(CloudTrailTime.parse("2025-02-28T20:09:41-05:00") == Self.reference)
    }

    @Test("keeps fractional seconds")
    func parsesFractionalSeconds() throws {
        let date = try #require(CloudTrailTime.parse("2025-03-01T01:09:41.250Z"))
        #expect(abs(date.timeIntervalSince(Self.reference) - 0.25) < 1e-6)
        let micro = try #require(CloudTrailTime.parse("2025-03-01T01:09:41.123456+00:00"))
        #expect(abs(micro.timeIntervalSince(Self.reference) - 0.123456) < 1e-6)
    }

    @Test("parses a date alone as midnight UTC")
    func parsesDateOnly() {
        #expect(CloudTrailTime.parse("2025-01-01") == Date(timeIntervalSince1970: 1_735_689_600))
        #expect(CloudTrailTime.parse("2025-03-01") == Date(timeIntervalSince1970: 1_740_787_200))
    }

    @Test("parses the compact form of digest object keys")
    func parsesCompactForm() {
        #expect(CloudTrailTime.parse("20250301T010941Z") == Self.reference)
        // The log file key form has no seconds.
        #expect(CloudTrailTime.parse("20250301T0109Z") == Self.reference.addingTimeInterval(-41))
    }

    @Test("parses hours and minutes without seconds in the extended form")
    func parsesWithoutSeconds() {
        #expect(CloudTrailTime.parse("2025-03-01T01:09Z") == Self.reference.addingTimeInterval(-41))
    }

    @Test("display prints what the AWS CLI prints")
    func displayFormat() {
        #expect(CloudTrailTime.display(Self.reference) == "2025-03-01T01:09:41Z")
        #expect(CloudTrailTime.display(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
    }

    @Test("compact prints the object key form")
    func compactFormat() {
        #expect(CloudTrailTime.compact(Self.reference) == "20250301T010941Z")
    }

    @Test("display drops fractional seconds instead of rounding up")
    func displayTruncatesFractions() {
        #expect(CloudTrailTime.display(Self.reference.addingTimeInterval(0.999)) == "2025-03-01T01:09:41Z")
    }

    @Test("dates before 1970 print correctly")
    func displayBeforeEpoch() throws {
        let date = try #require(CloudTrailTime.parse("1969-12-31T23:59:59Z"))
        #expect(date.timeIntervalSince1970 == -1)
        #expect(CloudTrailTime.display(date) == "1969-12-31T23:59:59Z")
    }

    @Test("display and compact round-trip through parse", arguments: [
        "2025-03-01T01:09:41Z", "2024-02-29T23:59:59Z", "2000-02-29T00:00:00Z", "1999-12-31T23:59:59Z",
        "2025-12-31T23:59:59Z", "2026-01-01T00:00:00Z", "2100-03-01T12:00:00Z",
    ])
    func roundTrips(text: String) throws {
        let date = try #require(CloudTrailTime.parse(text))
        #expect(CloudTrailTime.display(date) == text)
        let compact = CloudTrailTime.compact(date)
        #expect(compact.count == 16)
        #expect(CloudTrailTime.parse(compact) == date)
    }

    @Test("every day of a leap year round-trips through display")
    func everyDayRoundTrips() throws {
        let start = try #require(CloudTrailTime.parse("2024-01-01T12:34:56Z"))
        for day in 0..<366 {
            let date = start.addingTimeInterval(Double(day) * 86_400)
            #expect(CloudTrailTime.parse(CloudTrailTime.display(date)) == date)
        }
    }

    @Test("accepts February 29 in leap years only")
    func leapDays() {
        #expect(CloudTrailTime.parse("2024-02-29") != nil)
        #expect(CloudTrailTime.parse("2000-02-29") != nil)
        #expect(CloudTrailTime.parse("2025-02-29") == nil)
        #expect(CloudTrailTime.parse("1900-02-29") == nil)
    }

    @Test("rejects malformed text", arguments: [
        "", "garbage", "2025", "2025-03", "2025-3-1", "2025-03-01T", "2025-03-01T1", "2025-03-01T01:09:41ZZ",
        "2025-03-01T01:09:41 trailing", "2025-03-01T01:09:41.", "2025-03-01T01:09:41+0", "2025-03-01T01:09:41+",
        "2025-0301", "202503-01", "2025-03-01T0109", "2025/03/01", " 2025-03-01", "2025-03-01 ",
        "２０２５-03-01", "-2025-03-01",
    ])
    func rejectsGarbage(text: String) {
        #expect(CloudTrailTime.parse(text) == nil)
    }

    @Test("rejects out-of-range fields: month 13, Feb 30, day 0, hour 24, minute 60", arguments: [
        "2025-13-01T00:00:00Z", "2025-00-10T00:00:00Z", "2025-02-30T00:00:00Z", "2025-04-31",
        "2025-03-00", "2025-03-01T24:00:00Z", "2025-03-01T23:60:00Z", "2025-03-01T23:59:61Z",
        "20251301T000000Z", "20250230T000000Z",
    ])
    func rejectsOutOfRange(text: String) {
        #expect(CloudTrailTime.parse(text) == nil)
    }
}
