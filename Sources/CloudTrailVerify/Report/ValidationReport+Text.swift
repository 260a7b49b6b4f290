/// The report as the AWS CLI's `validate-logs` prints it, so scripts written for the
/// CLI keep working. Findings the CLI does not have (`UNVERIFIED`) use the same shape.
extension ValidationReport {
    /// One write, to standard output or standard error, in the order the CLI would make it.
    public struct TextWrite: Sendable, Equatable {
        /// Which standard stream a write goes to.
        public enum Stream: Sendable, Equatable {
            /// The header, valid files and the summary lines.
            case standardOutput
            /// Every problem, each followed by a blank line, and the notes.
            case standardError
        }
        /// Where the AWS CLI would print it.
        public let stream: Stream
        /// The text, newlines included.
        public let text: String
    }

    /// Renders every chain in walk order through ``ValidationTextWriter``.
    public func textWrites(verbose: Bool) -> [TextWrite] {
        var writer = ValidationTextWriter(verbose: verbose)
        return events.flatMap { writer.writes(for: $0) }
    }
}
