/// A writer of the report, fed the event stream of one run in order.
///
/// ``ValidationTextWriter`` (the AWS CLI's lines), ``ValidationJSONWriter`` (`docs/report.md`) and
/// ``ValidationHTMLWriter`` (the auditor's page) all conform, so the command drives any of them the same
/// way: every event from ``BucketValidator/run(isolation:_:)`` goes to ``take(_:)``, then ``finish(inputs:summary:)``
/// once with what the run returned.
public protocol ValidationReportWriter {
    /// Takes the next event. Never throws: a writer that cannot keep up (a spool file that fails) remembers
    /// why and throws from ``finish(inputs:summary:)``, so the walk is never cut short by its report.
    mutating func take(_ event: ValidationEvent)

    /// Writes whatever the report still needs once every event is in.
    mutating func finish(inputs: ValidationReport.Inputs, summary: ValidationReport.Summary) throws(CloudTrailVerifyError)
}

extension ValidationJSONWriter: ValidationReportWriter {}
