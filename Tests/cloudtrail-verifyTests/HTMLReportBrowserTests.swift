import Foundation
import Testing
import CloudTrailVerify

/// Headless Chromium, when installed (`apt-get install -y chromium`; `.ci/run` installs it).
enum Chromium {
    static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Skipped without Chromium on a developer's machine, with the reason in the test output; under CI
    /// (`CI=true`) the tests run anyway and fail, so CI never passes without having looked at a page.
    static var unavailable: Bool { path == nil && ProcessInfo.processInfo.environment["CI"] != "true" }

    static func run(_ arguments: [String]) throws -> Binary.Result {
        let browser = try #require(path, "chromium is not installed: apt-get install -y chromium (CI=true makes this a failure)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        // No sandbox: CI runs as root in a container. No GPU, no first-run UI, a throw-away profile.
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-profile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Binary.Result(status: process.terminationStatus, standardOutput: String(decoding: data, as: UTF8.self), standardError: "")
    }

    /// The DOM after the page loaded and its script ran.
    static func dumpDOM(_ page: URL) throws -> String {
        let result = try run(["--dump-dom", page.absoluteString])
        #expect(result.status == 0)
        return result.standardOutput
    }
}

@Suite("--format html in a browser", .serialized, .disabled(if: Chromium.unavailable, "chromium is not installed: apt-get install -y chromium (CI=true makes this a failure)"))
struct HTMLReportBrowserTests {
    struct Expected: Decodable {
        struct Entry: Decodable { var s3Uri: String; var status: String }
        struct Gap: Decodable { var start: String; var end: String }
        var arguments: [String]
        var exitCode: Int
        var digests: [Entry]
        var logFiles: [Entry]
        var gaps: [Gap]
    }

    /// Text as a browser's DOM serializer writes it inside an element.
    static func serialized(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    static func render(vector folder: URL, arguments: [String], to page: URL) throws -> Binary.Result {
        try Binary.run(["validate", "bucket"] + arguments + ["--format", "html", "--output", page.path], in: folder)
    }

    @Test("the rendered page names every non-valid digest and log file and every gap", arguments: [
        "deleted-digest-run", "modified-digest", "validation-disabled-gap", "gap-strict", "injected-log", "truncated-tail",
        "tampered-log", "forked-chain", "no-metadata", "path-escape-log", "backfill-digests", "multi-region",
    ])
    func vectorInBrowser(name: String) throws {
        let folder = Binary.vectors.appendingPathComponent(name)
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: folder.appendingPathComponent("expected.json")))
        let page = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(name)-\(UUID().uuidString).html")
        defer { try? FileManager.default.removeItem(at: page) }
        let result = try Self.render(vector: folder, arguments: expected.arguments, to: page)
        #expect(result.status == Int32(expected.exitCode), "\(name): \(result.standardError)")
        let dom = try Chromium.dumpDOM(page)
        #expect(dom.contains("CloudTrail validation " + (expected.exitCode == 0 ? "passed" : "failed")))
        for entry in (expected.digests + expected.logFiles) where entry.status != "valid" {
            #expect(dom.contains("<code class=\"uri\">\(Self.serialized(entry.s3Uri))</code>"), "\(name): \(entry.s3Uri) not on the page")
        }
        for gap in expected.gaps {
            #expect(dom.contains("Gap from \(gap.start) to \(gap.end)"), "\(name): gap \(gap.start) not on the page")
        }
        // The inline script ran: the filter box exists.
        #expect(dom.contains("id=\"filter\""))
    }

    @Test("an object key holding markup renders as text, and its script never runs")
    func hostileKeyRendersInert() throws {
        try withCopy(of: "clean-multi-day") { bucket in
            // Two unreferenced files in a log folder: markup in the name, and `</script>` across a folder boundary.
            let day = bucket.appendingPathComponent("AWSLogs/111122223333/CloudTrail/us-east-1/2025/03/02")
            let markup = "<img src=x onerror=\"document.title='pwned'\">'&.json.gz"
            try Data("x".utf8).write(to: day.appendingPathComponent(markup))
            let folder = day.appendingPathComponent("<script>document.title='pwned'<")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data("x".utf8).write(to: folder.appendingPathComponent("script>.json.gz"))
            let page = bucket.deletingLastPathComponent().appendingPathComponent("report.html")
            let result = try Binary.run(["validate", bucket.path, "--public-keys", Binary.vectors.appendingPathComponent("clean-multi-day/keys").path,
                                         "--format", "html", "--output", page.path])
            #expect(result.status == 1, "\(result.standardError)")
            let dom = try Chromium.dumpDOM(page)
            #expect(dom.contains(Self.serialized(markup)))
            #expect(dom.contains(Self.serialized("<script>document.title='pwned'</script>.json.gz")))
            #expect(!dom.contains("<img src=\"x\""))
            #expect(!dom.contains("pwned</title>"))
            // Only the page's own script element.
            #expect(dom.components(separatedBy: "<script").count - 1 == 1)
        }
    }

    @Test("a screenshot of a report is kept under .build/ for CI to publish")
    func screenshot() throws {
        let folder = Binary.vectors.appendingPathComponent("deleted-digest-run")
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: folder.appendingPathComponent("expected.json")))
        let build = Binary.repositoryRoot.appendingPathComponent(".build")
        // Also under `--scratch-path` builds (the ISA-L run in CI), where `.build/` may not exist yet.
        try FileManager.default.createDirectory(at: build, withIntermediateDirectories: true)
        let page = build.appendingPathComponent("report.html")
        let image = build.appendingPathComponent("report.png")
        try? FileManager.default.removeItem(at: image)
        _ = try Self.render(vector: folder, arguments: expected.arguments, to: page)
        let result = try Chromium.run(["--screenshot=\(image.path)", "--window-size=1280,2000", page.absoluteString])
        #expect(result.status == 0)
        let size = try FileManager.default.attributesOfItem(atPath: image.path)[.size] as? Int ?? 0
        #expect(size > 10_000, "the screenshot is missing or empty")
    }

    /// Runs `body` with a copy of a vector's bucket (signature sidecars included), removed afterwards.
    func withCopy(of vector: String, _ body: (URL) throws -> Void) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("html-vector-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let bucket = base.appendingPathComponent("bucket")
        try FileManager.default.copyItem(at: Binary.vectors.appendingPathComponent(vector).appendingPathComponent("bucket"), to: bucket)
        try body(bucket)
    }
}
