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

    @Test("values are counted, member names included, and one over the limit is refused as a limit")
    func valueCountIsLimited() throws {
        // [0,0,0]: the array and three numbers.
        _ = try StrictJSON.parse(Array("[0,0,0]".utf8), maximumValueCount: 4)
        let error = try #require(throws: StrictJSON.ParseError.self) {
            try StrictJSON.parse(Array("[0,0,0,0]".utf8), maximumValueCount: 4)
        }
        #expect(error.message == "more than 4 values")
        #expect(error.exceedsLimit)
        // {"a":{},"b":[]}: the object, two names, two values.
        _ = try StrictJSON.parse(Array(#"{"a":{},"b":[]}"#.utf8), maximumValueCount: 5)
        #expect(throws: StrictJSON.ParseError.self) { try StrictJSON.parse(Array(#"{"a":{},"b":[]}"#.utf8), maximumValueCount: 4) }
        // Grammar errors are not limits; depth is.
        #expect(try #require(throws: StrictJSON.ParseError.self) { try Self.parse("[1,]") }.exceedsLimit == false)
        #expect(try #require(throws: StrictJSON.ParseError.self) { try Self.parse(String(repeating: "[", count: 65)) }.exceedsLimit)
    }

    @Test("a document of tiny values stops at the limit, early in the input")
    func tinyValuesStopEarly() throws {
        let bomb = Array("[".utf8) + Array(repeating: Array("0,".utf8), count: StrictJSON.maximumValueCount + 10).joined() + Array("0]".utf8)
        let error = try #require(throws: StrictJSON.ParseError.self) { try StrictJSON.parse(bomb) }
        #expect(error.message == "more than \(StrictJSON.maximumValueCount) values")
        #expect(error.offset < 2 * StrictJSON.maximumValueCount + 2)
    }

    @Test("a digest listing 30,000 log files is within the value limit")
    func realDigestSizeFits() throws {
        let entry = #"{"s3Bucket":"aws-cloudtrail-logs-111122223333-3f8a2b1c","s3Object":"AWSLogs/111122223333/CloudTrail/us-east-1/2025/03/01/111122223333_CloudTrail_us-east-1_20250301T1710Z_abcdefghijklmnop.json.gz","hashValue":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","hashAlgorithm":"SHA-256","newestEventTime":"2025-03-01T17:09:41Z","oldestEventTime":"2025-03-01T17:00:41Z"}"#
        let text = #"{"awsAccountId":"111122223333","logFiles":["# + Array(repeating: entry, count: 30_000).joined(separator: ",") + "]}"
        #expect(try Self.parse(text)["logFiles"].map { if case .array(let items) = $0 { items.count } else { 0 } } == 30_000)
    }

    @Test("a filtered array keeps only the elements asked for, and the limit counts only those kept")
    func filteredArrayKeepsWhatIsAsked() throws {
        let records = (0..<1000).map { #"{"n":\#($0)}"# }.joined(separator: ",")
        let text = Array(#"{"Other":[1,2],"Records":["#.utf8) + Array(records.utf8) + Array("]}".utf8)
        func isMultipleOf100(_ value: StrictJSON.Value) -> Bool {
            guard case .number(let number)? = value["n"], let n = Int(number) else { return false }
            return n % 100 == 0
        }
        // 1,000 records of 3 values each would be over 100 values; the 10 kept (30 values) are not.
        let document = try StrictJSON.parse(text, maximumValueCount: 100, keepingElementsOf: "Records", where: isMultipleOf100)
        guard case .array(let kept)? = document["Records"] else { Issue.record("no Records"); return }
        #expect(kept.map { $0["n"] } == (0..<10).map { .number(String($0 * 100)) })
        // Other arrays are not filtered.
        #expect(document["Other"] == .array([.number("1"), .number("2")]))
        // One element over the limit by itself is still refused, and so is malformed JSON inside a dropped one.
        let big = Array(#"{"Records":["#.utf8) + Array(repeating: Array("0,".utf8), count: 200).joined() + Array("0]}".utf8)
        #expect(throws: StrictJSON.ParseError.self) {
            try StrictJSON.parse(big, maximumValueCount: 100, keepingElementsOf: "Records", where: { _ in true })
        }
        _ = try StrictJSON.parse(big, maximumValueCount: 100, keepingElementsOf: "Records", where: { _ in false })
        #expect(throws: StrictJSON.ParseError.self) {
            try StrictJSON.parse(Array(#"{"Records":[{"a":1,"a":2}]}"#.utf8), keepingElementsOf: "Records", where: { _ in false })
        }
    }
}

/// ``StrictJSON/scanStrings(_:top:array:inner:)``: a few strings read out of a document without its tree.
@Suite("StrictJSON scan")
struct StrictJSONScanTests {
    static func scan(_ text: String) throws -> (top: [String?], elements: [[String?]]?) {
        try StrictJSON.scanStrings(Array(text.utf8), top: ["a", "b"], array: "list", inner: ["x", "y"])
    }

    @Test("finds the same strings as the parser at the same places, escapes and nesting included")
    func sameAsTheParser() throws {
        let documents = [
            #"{"a":"A\/b\u00e9\ud83d\ude00","skip":{"a":"not this","list":[{"x":"nor this"}]},"list":[{"x":"1","y":"2"},{"y":"\"]}"},{"z":[1,{"x":"deep"}],"x":"3"}],"b":null}"#,
            #"  { "list" : [ ] , "b" : "t\\t\n" , "a" : "" }  "#,
            #"{"n":-1.5e+3,"t":true,"f":false,"z":null,"s":"}{][,:","a":"ok","list":[{"x":"p","y":"q"}]}"#,
        ]
        for document in documents {
            let scanned = try Self.scan(document)
            let parsed = try StrictJSON.parse(Array(document.utf8))
            func string(_ value: StrictJSON.Value?) -> String? { if case .string(let text)? = value { return text } else { return nil } }
            #expect(scanned.top == [string(parsed["a"]), string(parsed["b"])], "\(document)")
            guard case .array(let list)? = parsed["list"] else { Issue.record("no list"); continue }
            #expect(scanned.elements?.count == list.count)
            for (element, values) in zip(list, scanned.elements ?? []) {
                #expect(values == [string(element["x"]), string(element["y"])], "\(document)")
            }
        }
    }

    @Test("no array where the list should be gives none; a document that is not an object is refused")
    func missingOrWrong() throws {
        #expect(try Self.scan(#"{"a":"1"}"#).elements == nil)
        #expect(try Self.scan(#"{"list":{"x":"1"}}"#).elements == nil)
        #expect(try Self.scan(#"{"list":["s",{"x":"1"}]}"#).elements! == [[nil, nil], ["1", nil]])
        for bad in ["[]", "\"a\"", "", "{\"a\":\"1\"", "{\"a\" \"1\"}", "{\"list\":[{\"x\":\"1\"}"] {
            #expect(throws: StrictJSON.ParseError.self, "\(bad)") { try Self.scan(bad) }
        }
    }

    @Test("skipped values nested deeper than the parser allows are refused, as the parser refuses them")
    func depthBounded() throws {
        let deep = "{\"skip\":" + String(repeating: "[", count: StrictJSON.maximumDepth + 1)
            + String(repeating: "]", count: StrictJSON.maximumDepth + 1) + "}"
        #expect(throws: StrictJSON.ParseError.self) { try Self.scan(deep) }
        #expect(throws: StrictJSON.ParseError.self) { try StrictJSON.parse(Array(deep.utf8)) }
    }
}
