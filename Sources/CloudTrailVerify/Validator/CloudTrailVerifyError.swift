/// Why cloudtrail-verify could not run: bad arguments, unreadable inputs, malformed key files.
///
/// Findings about the bucket (a bad signature, a wrong hash) are never thrown:
/// they are values in ``ValidationReport``. This error means there is no report.
public struct CloudTrailVerifyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, extensible classification of the failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// An argument is malformed or contradicts another.
        public static let invalidArgument = Code("invalidArgument")
        /// An input path is missing, unreadable, or of the wrong kind.
        public static let unreadableInput = Code("unreadableInput")
        /// A public key file cannot be parsed or holds an unusable key.
        public static let malformedKeyFile = Code("malformedKeyFile")
        /// A key's stated fingerprint is not the MD5 of its DER bytes.
        public static let fingerprintMismatch = Code("fingerprintMismatch")
        /// A chain's region has no public keys at all.
        public static let noKeysForRegion = Code("noKeysForRegion")
        /// The bucket name could not be determined.
        public static let unknownBucket = Code("unknownBucket")
        /// ROOT is not the bucket copy's root but a folder above or inside it (the digests say where it is).
        public static let misplacedRoot = Code("misplacedRoot")
        /// No loaded key can check any digest of a region: the wrong keys were given.
        public static let keysMatchNoDigest = Code("keysMatchNoDigest")
        /// Nothing to validate under the root.
        public static let noDigestsFound = Code("noDigestsFound")
        /// A result could not be written.
        public static let outputFailed = Code("outputFailed")
    }

    public var code: Code
    /// What went wrong, in one sentence.
    public var message: String
    /// The file or argument involved.
    public var path: String?
    /// What was expected there.
    public var expected: String?
    /// What was found instead.
    public var found: String?

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
