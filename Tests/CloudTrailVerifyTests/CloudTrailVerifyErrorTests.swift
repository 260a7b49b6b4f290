import Foundation
import Testing
@testable import CloudTrailVerify

/// The library's errors name the option they are about by its `ValidationOptions` property, never by a
/// command-line flag: the command adds the flags.
@Suite("CloudTrailVerifyError")
struct CloudTrailVerifyErrorTests {
    static func error(_ change: (inout ValidationOptions) -> Void) async -> CloudTrailVerifyError? {
        var options = ValidationOptions(root: TestSupport.Clean.bucket,
                                        publicKeys: [PublicKeySource(path: TestSupport.Clean.keyFile, region: "us-east-1")])
        change(&options)
        do {
            _ = try await BucketValidator(options: options).run()
            return nil
        } catch {
            return error
        }
    }

    @Test("an error about an option names the option, and its message names no flag", arguments: [
        CloudTrailVerifyError.Option.publicKeys, .incremental, .startTime, .trailARN, .bucketRoots,
    ])
    func optionNamed(option: CloudTrailVerifyError.Option) async throws {
        let error = try #require(await Self.error { options in
            switch option {
            case .publicKeys: options.publicKeys = []
            case .incremental: options.incremental = true
            case .startTime: options.window = TimeWindow(start: Date(timeIntervalSince1970: 2_000_000_000),
                                                         end: Date(timeIntervalSince1970: 0))
            case .trailARN: options.trailARN = "arn:aws:s3:::bucket"
            default: options.bucketRoots = [TestSupport.Clean.bucketName: TestSupport.Clean.bucket]
            }
        })
        #expect(error.option == option, "\(error)")
        #expect(!error.message.contains("--"), "\(error.message)")
        #expect(!error.description.contains("--"), "\(error.description)")
        if error.path == nil { #expect(error.description.hasPrefix(option.rawValue + ": ")) }
    }

    @Test("error codes are one closed set, named as before")
    func closedCodes() {
        #expect(CloudTrailVerifyError.Code.allCases.count == 12)
        #expect(CloudTrailVerifyError.Code.malformedCheckpoint.name == "malformedCheckpoint")
        #expect(CloudTrailVerifyError.Code.invalidArgument.description == "invalidArgument")
    }
}
