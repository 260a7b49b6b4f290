/// The report as the AWS CLI's `validate-logs` prints it, so scripts written for the
/// CLI keep working. Findings the CLI does not have (`UNVERIFIED`) use the same shape.
extension ValidationReport {
    /// One write, to standard output or standard error, in the order the CLI would make it.
    public struct TextWrite: Sendable, Equatable {
        public enum Stream: Sendable, Equatable { case standardOutput, standardError }
        public var stream: Stream
        public var text: String
    }

    /// Renders every chain in walk order through ``ValidationTextWriter``.
    public func textWrites(verbose: Bool) -> [TextWrite] {
        var writer = ValidationTextWriter(verbose: verbose)
        return events.flatMap { writer.writes(for: $0) }
    }
}
