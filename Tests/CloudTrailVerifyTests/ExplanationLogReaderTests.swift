import Foundation
import Testing
@testable import CloudTrailVerify

/// Reading the logs around a gap for explanations: bounded memory, no link followed, and every limit
/// that stops a read given back as a reason.
@Suite("ExplanationLogReader")
struct ExplanationLogReaderTests {
    static let stop = #"{"eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","eventTime":"2025-03-01T19:42:07Z"}"#
    static let describe = #"{"eventSource":"cloudtrail.amazonaws.com","eventName":"DescribeTrails","eventTime":"2025-03-01T19:40:00Z"}"#
    static let other = #"{"eventSource":"s3.amazonaws.com","eventName":"GetObject","eventTime":"2025-03-01T19:41:00Z"}"#

    static func log(_ records: [String]) -> [UInt8] {
        Array(#"{"Records":["#.utf8) + Array(records.joined(separator: ",").utf8) + Array("]}".utf8)
    }

    static func limits(fileSize: Int = 1 << 20, scannedSize: Int = 1 << 20, parsedSize: Int = 1 << 20,
                       valueCount: Int = 10_000) -> ExplanationLogReader.Limits {
        ExplanationLogReader.Limits(fileSize: fileSize, scannedSize: scannedSize, parsedSize: parsedSize, valueCount: valueCount)
    }

    /// The reader's result for `bytes` written to a file (gzipped unless `plain`), with `limits`.
    static func read(_ bytes: [UInt8], plain: Bool = false,
                     limits: ExplanationLogReader.Limits? = nil) throws -> Result<[StrictJSON.Value], ExplanationLogReader.Skip> {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            let path = dir + "/log.json.gz"
            try TestSupport.write(plain ? bytes : try TestSupport.gzip(bytes), to: path)
            guard let limits else { return GapExplainer.records(inLogFile: path) }
            return ExplanationLogReader.records(inLogFile: path, limits: limits) { _ in true }
        }
    }

    static func eventNames(_ result: Result<[StrictJSON.Value], ExplanationLogReader.Skip>) -> [String]? {
        guard case .success(let records) = result else { return nil }
        return records.map { if case .string(let name)? = $0["eventName"] { name } else { "?" } }
    }

    static func reason(_ result: Result<[StrictJSON.Value], ExplanationLogReader.Skip>) -> String? {
        guard case .failure(let skip) = result else { return nil }
        return skip.reason
    }

    @Test("only the trail calls are kept, from gzip or plain JSON")
    func keepsOnlyTrailCalls() throws {
        let bytes = Self.log([Self.other, Self.describe, Self.stop, Self.other])
        #expect(Self.eventNames(try Self.read(bytes)) == ["StopLogging"])
        #expect(Self.eventNames(try Self.read(bytes, plain: true)) == ["StopLogging"])
    }

    @Test("a log that never names cloudtrail.amazonaws.com is only searched: no records and no reason, even if it is not JSON")
    func withoutTheSourceNothingIsParsed() throws {
        #expect(Self.eventNames(try Self.read(Self.log([Self.other, Self.other]))) == [])
        #expect(Self.eventNames(try Self.read(Array("not JSON at all".utf8))) == [])
    }

    @Test("an event source spelled with a \\u escape is still found")
    func escapedSourceIsFound() throws {
        let escaped = Self.stop.replacingOccurrences(of: "cloudtrail.amazonaws", with: #"cloudtrail\u002eamazonaws"#)
        #expect(Self.eventNames(try Self.read(Self.log([escaped]))) == ["StopLogging"])
    }

    @Test("the search finds the source across the boundary of two pieces")
    func markerAcrossPieces() {
        let text = Array("xxxxcloudtrail.amazonaws.comxxxx".utf8)
        for split in 0...text.count {
            var scanner = ExplanationLogReader.MarkerScanner(markers: [Array("cloudtrail.amazonaws.com".utf8)])
            text[..<split].withUnsafeBytes { scanner.scan($0) }
            text[split...].withUnsafeBytes { scanner.scan($0) }
            #expect(scanner.found, "split at \(split)")
        }
        var scanner = ExplanationLogReader.MarkerScanner(markers: [Array("cloudtrail.amazonaws.com".utf8)])
        Array("cloudtrail.amazonaws.co".utf8).withUnsafeBytes { scanner.scan($0) }
        Array("x".utf8).withUnsafeBytes { scanner.scan($0) }
        #expect(!scanner.found)
    }

    @Test("a log with a trail call is refused, with the limit named, past each limit")
    func limitsAreReported() throws {
        let bytes = Self.log([Self.stop] + Array(repeating: Self.other, count: 200))
        #expect(Self.reason(try Self.read(bytes, limits: Self.limits(parsedSize: 1000)))
            == "inflates to more than 1000 bytes, the limit for a log that may hold a CloudTrail call")
        #expect(Self.reason(try Self.read(bytes, limits: Self.limits(scannedSize: 1000)))
            == "inflates to more than 1000 bytes, the limit for a log searched for explanations")
        #expect(Self.reason(try Self.read(bytes, limits: Self.limits(valueCount: 100)))?
            .hasPrefix("JSON over the reader's limit: more than 100 values at byte ") == true)
        let compressed = try TestSupport.gzip(bytes).count
        #expect(Self.reason(try Self.read(bytes, limits: Self.limits(fileSize: 100)))
            == "\(compressed) bytes on disk, over the 100-byte limit")
    }

    @Test("a log of a trail call and millions of tiny values is parsed keeping the call alone")
    func tinyValuesAreLetGo() throws {
        var bytes = Array(#"{"Records":["#.utf8) + Array(Self.stop.utf8)
        bytes += Array(repeating: Array(",0".utf8), count: 1_000_000).joined()
        bytes += Array("]}".utf8)
        // Far more values than the limit, but all except the call are let go as soon as they are read.
        #expect(Self.eventNames(try Self.read(bytes)) == ["StopLogging"])
    }

    @Test("broken files give their reason", arguments: [
        (#"{"Records": {"eventSource":"cloudtrail.amazonaws.com"}}"#, "not a CloudTrail log: no Records array"),
        (#"{"Records":[{"eventSource":"cloudtrail.amazonaws.com"},]}"#, "not valid JSON: "),
    ])
    func brokenJSON(text: String, reasonStart: String) throws {
        let found = Self.reason(try Self.read(Array(text.utf8)))
        #expect(found?.hasPrefix(reasonStart) == true, "\(found ?? "no reason")")
    }

    @Test("a corrupt or truncated gzip stream gives its reason")
    func brokenGzip() throws {
        let compressed = try TestSupport.gzip(Self.log([Self.stop]))
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            try TestSupport.write(compressed.prefix(compressed.count / 2), to: dir + "/truncated.json.gz")
            #expect(Self.reason(GapExplainer.records(inLogFile: dir + "/truncated.json.gz"))
                == "not a valid gzip file: gzip stream ends early")
            var corrupt = compressed
            corrupt[12] ^= 0xff
            corrupt[13] ^= 0xff
            try TestSupport.write(corrupt, to: dir + "/corrupt.json.gz")
            #expect(Self.reason(GapExplainer.records(inLogFile: dir + "/corrupt.json.gz"))?.hasPrefix("not a valid gzip file: ") == true)
        }
    }

    @Test("a symbolic link is not followed, a named pipe is not waited on, a missing file is named")
    func linksPipesAndMissingFiles() throws {
        try TestSupport.withTemporaryDirectory { (dir: String) throws in
            try TestSupport.write(try TestSupport.gzip(Self.log([Self.stop])), to: dir + "/real.json.gz")
            try FileManager.default.createSymbolicLink(atPath: dir + "/link.json.gz", withDestinationPath: dir + "/real.json.gz")
            #expect(Self.eventNames(GapExplainer.records(inLogFile: dir + "/real.json.gz")) == ["StopLogging"])
            #expect(Self.reason(GapExplainer.records(inLogFile: dir + "/link.json.gz")) == "a symbolic link, not followed")
            #expect(mkfifo(dir + "/pipe.json.gz", 0o600) == 0)
            #expect(Self.reason(GapExplainer.records(inLogFile: dir + "/pipe.json.gz")) == "not a regular file")
            #expect(Self.reason(GapExplainer.records(inLogFile: dir + "/absent.json.gz")) == "not found")
        }
    }
}
