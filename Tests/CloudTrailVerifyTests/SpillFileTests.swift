import Testing
@testable import CloudTrailVerify

@Suite("SpillFile")
struct SpillFileTests {
    @Test("reads back what was appended, at any offset")
    func readsBackAppendedBytes() throws {
        let file = try SpillFile()
        let first: [UInt8] = Array(0..<200)
        let second: [UInt8] = Array(repeating: 0xAB, count: 70_000)
        try first.withUnsafeBytes { try file.append($0) }
        try second.withUnsafeBytes { try file.append($0) }
        #expect(file.size == 70_200)
        var middle = [UInt8](repeating: 0, count: 10)
        try middle.withUnsafeMutableBytes { try file.read(at: 195, into: $0) }
        #expect(middle == [195, 196, 197, 198, 199, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB])
    }

    @Test("reading past what was written is an error, not zeros")
    func readingPastTheEndFails() throws {
        let file = try SpillFile()
        try [UInt8](repeating: 1, count: 16).withUnsafeBytes { try file.append($0) }
        var buffer = [UInt8](repeating: 0, count: 16)
        #expect(throws: SpillFile.Failure.self) {
            try buffer.withUnsafeMutableBytes { try file.read(at: 8, into: $0) }
        }
    }
}
