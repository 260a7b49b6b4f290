// Not a `CloudTrailVerifyVersion` type: symbol graphs leave out `<Module>Version…` names, so DocC would not show it.
extension BucketValidator {
    /// The library's version, such as `0.2.0`: the one place it is written.
    ///
    /// `cloudtrail-verify --version` prints it, and every JSON report carries it as
    /// ``ValidationReport/version``, next to ``ValidationReport/schemaVersion``. `CHANGELOG.md` lists what each
    /// version changed.
    public static let version = "0.2.0"
}
