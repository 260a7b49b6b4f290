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

    /// Makes an error; the library throws these, and a program built on it may throw its own (the command
    /// line does, for its flags).
    ///
    /// - Parameters:
    ///   - code: what kind of failure it is.
    ///   - message: what went wrong, in one sentence.
    ///   - path: the file or argument involved.
    ///   - expected: what was expected there.
    ///   - found: what was found instead.
    public init(_ code: Code, _ message: String, path: String? = nil, expected: String? = nil, found: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.expected = expected
        self.found = found
    }

    /// One line, naming the input: what a user reads after `error:`.
    public var description: String {
        var line = path.map { "\($0): \(message)" } ?? message
        if let expected { line += " (expected \(expected)" + (found.map { ", found \($0))" } ?? ")") }
        else if let found { line += " (found \(found))" }
        return line
    }
}
