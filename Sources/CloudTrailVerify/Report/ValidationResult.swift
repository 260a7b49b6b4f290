/// The verdict of a whole run, in ``ValidationReport/Summary/result``.
///
/// The command line exits 0 for ``valid`` and 1 for ``invalid`` (and 2 when the run could not happen, a
/// thrown ``CloudTrailVerifyError``); the JSON report says the same in `summary.exitCode` for tools that read it.
public enum ValidationResult: String, Sendable, Codable, Hashable, CaseIterable {
    /// Every digest and log file in range proved valid, and nothing under the roots is unaccounted for
    /// (warnings, such as logs delivered during a gap without strict mode, do not change this).
    case valid
    /// Something in range is invalid, missing, unverified or unreferenced, or (in strict mode) a warning was found.
    case invalid
}
