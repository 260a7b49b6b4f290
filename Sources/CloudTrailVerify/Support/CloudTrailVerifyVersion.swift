/// The library's version: the one place it is written.
///
/// `cloudtrail-verify --version` prints it, and every JSON report carries it as `version`, next to the
/// report's own ``ValidationReport/currentSchemaVersion``. `CHANGELOG.md` lists what each version changed.
public enum CloudTrailVerifyVersion {
    /// The semantic version of this release, such as `0.2.0`.
    public static let current = "0.2.0"
}
