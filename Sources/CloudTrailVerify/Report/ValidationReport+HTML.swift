import Foundation

extension ValidationReport {
    /// The report as the auditor's HTML page, exactly as ``ValidationHTMLWriter`` streams it.
    ///
    /// - Parameter generatedAt: the time the page says it was made.
    public func htmlData(generatedAt: Date = Date()) throws(CloudTrailVerifyError) -> Data {
        var data = Data()
        let writer = try ValidationHTMLWriter(output: { data.append($0) }, generatedAt: generatedAt)
        events.forEach(writer.take)
        try writer.finish(inputs: inputs, summary: summary)
        return data
    }
}
