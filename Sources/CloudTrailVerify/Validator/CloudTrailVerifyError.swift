/// Why cloudtrail-verify could not run: bad arguments, unreadable inputs, malformed key files.
///
/// Findings about the bucket (a bad signature, a wrong hash) are never thrown:
/// they are values in ``ValidationReport``. This error means there is no report.
public struct CloudTrailVerifyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of input stopped the run. A closed set, declared here and only here: a `switch` over it
    /// is exhaustive, and a new case is a change listed in `CHANGELOG.md`.
    public enum Code: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// An argument is malformed or contradicts another.
        case invalidArgument
        /// An input path is missing, unreadable, or of the wrong kind.
        case unreadableInput
        /// A public key file cannot be parsed or holds an unusable key.
        case malformedKeyFile
        /// A key's stated fingerprint is not the MD5 of its DER bytes.
        case fingerprintMismatch
        /// A chain's region has no public keys at all.
        case noKeysForRegion
        /// The bucket name could not be determined.
        case unknownBucket
        /// The root is not the bucket copy's root but a folder above or inside it (the digests say where it is).
        case misplacedRoot
        /// No loaded key can check any digest of a region: the wrong keys were given.
        case keysMatchNoDigest
        /// Nothing to validate under the root.
        case noDigestsFound
        /// A result (a report, a checkpoint) could not be written.
        case outputFailed
        /// A trail file (what `aws cloudtrail describe-trails`, `get-trail` or `get-trail-status` printed)
        /// cannot be parsed or contradicts itself.
        case malformedTrailFile
        /// A checkpoint file exists but cannot be parsed, or holds values no run could have written.
        case malformedCheckpoint

        /// The case's name, as `invalidArgument`: stable, for logs and scripts.
        public var name: String { rawValue }
        /// The same as ``name``.
        public var description: String { rawValue }
    }

    /// The option of ``ValidationOptions`` an error is about, named after its property. The library's messages
    /// never name command-line flags; a program names its own way of setting the option (the command line maps
    /// each case to its flag).
    public enum Option: String, Sendable, Hashable, CaseIterable {
        /// ``ValidationOptions/root``.
        case root
        /// ``ValidationOptions/bucket``.
        case bucket
        /// ``ValidationOptions/s3Prefix``.
        case s3Prefix
        /// ``ValidationOptions/bucketRoots``.
        case bucketRoots
        /// ``ValidationOptions/publicKeys``.
        case publicKeys
        /// The start of ``ValidationOptions/window``.
        case startTime
        /// The end of ``ValidationOptions/window``.
        case endTime
        /// ``ValidationOptions/trailARN``.
        case trailARN
        /// ``ValidationOptions/accountID``.
        case accountID
        /// ``ValidationOptions/regions``.
        case regions
        /// ``ValidationOptions/trailFiles``.
        case trailFiles
        /// ``ValidationOptions/trailStatusFile``.
        case trailStatusFile
        /// ``ValidationOptions/expectDigestsThrough``.
        case expectDigestsThrough
        /// ``ValidationOptions/checkpointFile``.
        case checkpointFile
        /// ``ValidationOptions/incremental``.
        case incremental
        /// ``ValidationOptions/shard``.
        case shard
        /// The filters together: ``ValidationOptions/s3Prefix``, ``ValidationOptions/trailARN``,
        /// ``ValidationOptions/trailFiles``, ``ValidationOptions/accountID`` and ``ValidationOptions/regions``.
        case filters
    }

    /// What kind of failure this is; switch on it to react to one kind.
    public let code: Code
    /// What went wrong, in one sentence.
    public let message: String
    /// The file or argument involved.
    public let path: String?
    /// What was expected there.
    public let expected: String?
    /// What was found instead.
    public let found: String?
    /// The option the error is about, when it is about one (``path`` may still name a file it gave).
    public let option: Option?

    /// Makes an error; the library throws these, and a program built on it may throw its own (the command
    /// line does, for its flags).
    ///
    /// - Parameters:
    ///   - code: what kind of failure it is.
    ///   - message: what went wrong, in one sentence.
    ///   - path: the file or argument involved.
    ///   - expected: what was expected there.
    ///   - found: what was found instead.
    ///   - option: the option of ``ValidationOptions`` it is about.
    public init(_ code: Code, _ message: String, path: String? = nil, expected: String? = nil, found: String? = nil,
                option: Option? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.expected = expected
        self.found = found
        self.option = option
    }

    /// One line, naming the input (the file, else the option): what a user reads after `error:`.
    public var description: String {
        var line = (path ?? option?.rawValue).map { "\($0): \(message)" } ?? message
        if let expected { line += " (expected \(expected)" + (found.map { ", found \($0))" } ?? ")") }
        else if let found { line += " (found \(found))" }
        return line
    }
}
