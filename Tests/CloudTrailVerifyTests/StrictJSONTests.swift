import Foundation
import Testing
@testable import CloudTrailVerify

@Suite("StrictJSON")
struct StrictJSONTests {
    static func parse(_ text: String) throws(StrictJSON.ParseError) -> StrictJSON.Value {
        try StrictJSON.parse(Array(text.utf8))
    }

    @Test("parses CloudTrail's compact JSON, escaped slashes and unicode escapes included")
    func parsesRealShapes() throws {
        let value = try Self.parse(#"{"a":"AWSLogs\/1\/x","b":[1,-2.5e3,true,false,null],"c":"\u00e9\ud83d\ude00"}"#)
        #expect(value["a"] == .string("AWSLogs/1/x"))
        #expect(value["b"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null]))
        #expect(value["c"] == .string("é😀"))
    }

    @Test("refuses what a real CloudTrail file never holds", arguments: [
        #"{"a":1,"a":1}"#, #"{"a":1,"a":2}"#, #"["\ud800"]"#, #"["\udc00x"]"#, "[1,]", "{\"a\"}", "[01]", "[1.]",
        "\"\u{01}\"", "[1] x", "", "nul", #"{"a":"\q"}"#,
    ])
    func refusesMalformed(text: String) {
        #expect(throws: StrictJSON.ParseError.self) { try Self.parse(text) }
    }

    @Test("refuses invalid UTF-8 inside a string")
    func refusesInvalidUTF8() {
        #expect(throws: StrictJSON.ParseError.self) { try StrictJSON.parse(Array("[\"".utf8) + [0xc0, 0xae] + Array("\"]".utf8)) }
    }

    @Test("nesting is limited without recursion: 100,000 levels fail cleanly, 64 pass")
    func depthIsLimited() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: StrictJSON.ParseError.self) { try Self.parse(deep) }
        let allowed = String(repeating: "[", count: StrictJSON.maximumDepth) + String(repeating: "]", count: StrictJSON.maximumDepth)
        _ = try Self.parse(allowed)
    }

    /// Found by fuzzing (`Fuzz/Crashes/digest-json/slow-*`): wide containers were copied on every
    /// element, which made parsing quadratic. A generous limit turns a regression into a failure, not a hang.
    @Test("wide arrays and objects parse in linear time", .timeLimit(.minutes(1)))
    func wideContainersAreLinear() throws {
        let count = 200_000
        let array = "[" + Array(repeating: "1", count: count).joined(separator: ",") + "]"
        guard case .array(let items) = try Self.parse(array) else { Issue.record("not an array"); return }
        #expect(items.count == count)
        let object = "{" + (0..<count).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"
        #expect(try Self.parse(object).members?.count == count)
        let crashes = TestSupport.repositoryRoot + "/Fuzz/Crashes/digest-json/"
        guard case .array(let fuzzedArray) = try StrictJSON.parse(try TestSupport.bytes(atPath: crashes + "slow-array-8000-elements.json")) else {
            Issue.record("the fuzzer's slow array is an array")
            return
        }
        #expect(fuzzedArray.count == 8000)
        let fuzzedObject = try StrictJSON.parse(try TestSupport.bytes(atPath: crashes + "slow-object-8000-members.json"))
        #expect(fuzzedObject.members?.count == 8000)
    }
}
