import CloudTrailVerify

extension CloudTrailVerifyError.Option {
    /// The flag that sets this option; the library names options by their `ValidationOptions` property, never by flag.
    var flag: String {
        switch self {
        case .root: "ROOT"
        case .bucket: "--bucket"
        case .s3Prefix: "--s3-prefix"
        case .bucketRoots: "--bucket-root"
        case .publicKeys: "--public-keys"
        case .startTime: "--start-time"
        case .endTime: "--end-time"
        case .trailARN: "--trail-arn"
        case .accountID: "--account-id"
        case .regions: "--region"
        case .trailFiles: "--trail"
        case .trailStatusFile: "--trail-status"
        case .expectDigestsThrough: "--expect-digests-through"
        case .checkpointFile: "--checkpoint"
        case .incremental: "--incremental"
        case .shard: "--shard"
        case .filters: "--s3-prefix, --trail-arn, --trail, --account-id, --region"
        }
    }
}

extension CloudTrailVerifyError {
    /// The line after `cloudtrail-verify: error:`: the library's error, naming the flag instead of the option,
    /// and saying which flag to use where the library says only what is missing.
    var commandLineDescription: String {
        guard let option else { return description }
        let hint = switch (code, option) {
        case (.invalidArgument, .incremental): " (--checkpoint FILE)"
        case (.invalidArgument, .trailStatusFile): " with --trail-arn or --trail"
        case (.unknownBucket, .bucket): " with --bucket"
        case (.misplacedRoot, .bucketRoots): " (--bucket-root NAME=DIR)"
        case (_, .filters): " (\(option.flag))"
        default: ""
        }
        // As `description`, with the flag where the library names the option's property.
        var line = "\(path ?? option.flag): \(message)\(hint)"
        if let expected { line += " (expected \(expected)" + (found.map { ", found \($0))" } ?? ")") }
        else if let found { line += " (found \(found))" }
        return line
    }
}
