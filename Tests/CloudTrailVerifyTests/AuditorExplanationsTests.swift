import Testing
@testable import CloudTrailVerify

@Suite("AuditorExplanations")
struct AuditorExplanationsTests {
    @Test("every digest reason code has an explanation", arguments: DigestReason.allCases)
    func digestReasons(reason: DigestReason) {
        let explanation = AuditorExplanations.digest(reason.rawValue)
        #expect(explanation != .unknown)
        #expect(!explanation.meaning.isEmpty && !explanation.whatToDo.isEmpty)
    }

    @Test("every log file reason code has an explanation", arguments: LogFileReason.allCases)
    func logFileReasons(reason: LogFileReason) {
        let explanation = AuditorExplanations.logFile(reason.rawValue)
        #expect(explanation != .unknown)
        #expect(!explanation.meaning.isEmpty && !explanation.whatToDo.isEmpty)
    }

    @Test("every log file note has an explanation", arguments: LogFileNote.allCases)
    func notes(note: LogFileNote) {
        #expect(AuditorExplanations.note(note.rawValue) != .unknown)
    }

    @Test("a code with no entry gets the generic explanation, not a crash")
    func unknownCode() {
        #expect(AuditorExplanations.digest("made_up_later") == .unknown)
        #expect(AuditorExplanations.logFile("made_up_later") == .unknown)
    }

    @Test("no table entry is for a code the report does not have")
    func noStaleEntries() {
        #expect(Set(AuditorExplanations.digestReasons.keys) == Set(DigestReason.allCases.map(\.rawValue)))
        #expect(Set(AuditorExplanations.logFileReasons.keys) == Set(LogFileReason.allCases.map(\.rawValue)))
        #expect(Set(AuditorExplanations.objectReasons.keys) == Set(ObjectReason.allCases.map(\.rawValue)))
        #expect(Set(AuditorExplanations.notes.keys) == Set(LogFileNote.allCases.map(\.rawValue)))
    }
}
