/// What a finding means for an auditor, in the words of `docs/verdicts.md`: the HTML report prints it
/// beside every finding of that reason.
struct AuditorExplanation: Sendable, Equatable {
    /// What the finding says about the bucket.
    var meaning: String
    /// What could have caused it; `nil` when `docs/verdicts.md` gives none.
    var causes: String?
    /// What to do next.
    var whatToDo: String

    init(meaning: String, causes: String? = nil, whatToDo: String) {
        self.meaning = meaning
        self.causes = causes
        self.whatToDo = whatToDo
    }

    /// What a reason code no entry of ``AuditorExplanations`` covers gets: the page still shows the code and the
    /// finding's message, and says where to look.
    static let unknown = AuditorExplanation(
        meaning: "This reason code has no explanation in this version of the report.",
        whatToDo: "Read the finding's message, and docs/verdicts.md of the cloudtrail-verify version that wrote the report.")
}
