import Foundation

extension ValidationReport {
    /// The report as JSON, exactly as ``ValidationJSONWriter`` streams it.
    public func jsonData() throws(CloudTrailVerifyError) -> Data {
        var data = Data()
        let writer = try ValidationJSONWriter { data.append($0) }
        events.forEach(writer.take)
        try writer.finish(inputs: inputs, summary: summary)
        return data
    }
}
