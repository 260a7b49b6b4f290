import Foundation
import Testing
import CloudTrailVerify

@Suite("validate --format html")
struct HTMLReportCommandTests {
    @Test("--format html --output writes one page, and --json-output the same JSON report --format json writes")
    func pageAndJSON() throws {
        let folder = Binary.vectors.appendingPathComponent("modified-digest")
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("html-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        let page = base.appendingPathComponent("report.html")
        let json = base.appendingPathComponent("report.json")
        let result = try Binary.run(["validate", "bucket", "--public-keys", "keys", "--format", "html", "--output", page.path,
                                     "--json-output", json.path], in: folder)
        #expect(result.status == 1)
        #expect(result.standardOutput.isEmpty)
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("CloudTrail validation failed"))
        let plain = try Binary.run(["validate", "bucket", "--public-keys", "keys", "--format", "json"], in: folder)
        #expect(try Data(contentsOf: json) == Data(plain.standardOutput.utf8))
        #expect(html.firstMatch(of: /JSON report SHA-256<\/dt><dd><code>[0-9a-f]{64}<\/code>/) != nil)
    }

    @Test("--json-output without --format html is refused (exit 2)")
    func jsonOutputNeedsHTML() throws {
        let folder = Binary.vectors.appendingPathComponent("clean-multi-day")
        let result = try Binary.run(["validate", "bucket", "--public-keys", "keys", "--json-output", "/dev/null"], in: folder)
        #expect(result.status == 2)
        #expect(result.standardError.contains("--json-output"))
        #expect(result.standardOutput.isEmpty)
    }
}
