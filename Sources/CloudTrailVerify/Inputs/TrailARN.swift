/// A CloudTrail trail ARN: `arn:PARTITION:cloudtrail:REGION:ACCOUNT:trail/NAME`.
struct TrailARN: Sendable, Hashable, CustomStringConvertible {
    var partition: String
    var region: String
    var accountID: String
    var name: String

    init(_ text: String) throws(CloudTrailVerifyError) {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        let shape = "arn:<partition>:cloudtrail:<region>:<12-digit account>:trail/<name>"
        guard parts.count == 6, parts[0] == "arn", !parts[1].isEmpty, parts[2] == "cloudtrail",
              PublicKeyStore.looksLikeRegion(parts[3]),
              parts[4].count == 12, parts[4].allSatisfy(\.isASCIIDigit),
              parts[5].hasPrefix("trail/"), parts[5].count > "trail/".count else {
            throw CloudTrailVerifyError(.invalidArgument, "not a trail ARN", expected: shape, found: text, option: .trailARN)
        }
        partition = parts[1]
        region = parts[3]
        accountID = parts[4]
        name = String(parts[5].dropFirst("trail/".count))
    }

    var description: String { "arn:\(partition):cloudtrail:\(region):\(accountID):trail/\(name)" }
}
