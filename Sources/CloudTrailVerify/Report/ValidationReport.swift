/// Everything one validation run found: the value tools consume (`--format json`)
/// and the source of the AWS-CLI-style text.
///
/// Times are strings in the AWS CLI's display form, `2025-03-01T01:09:41Z`.
/// The format is documented in `docs/report.md`.
public struct ValidationReport: Sendable, Codable, Equatable {
    /// What the run was given.
    public struct Inputs: Sendable, Codable, Equatable {
        public var root: String
        public var bucket: String
        public var s3Prefix: String?
        public var bucketRoots: [String: String]
        public var publicKeyFiles: [String]
        public var startTime: String?
        public var endTime: String?
        public var trailArn: String?
        public var accountId: String?
        public var regions: [String]
        /// Every key loaded, with its fingerprint and validity window, in load order. Optional so that reports
        /// written before it was added still decode.
        public var publicKeys: [PublicKeyInput]? = nil
        /// With `--shard K/N`: which share of the run this report is, and the settings every shard must share
        /// (`cloudtrail-verify merge` checks them). Absent for a run over the whole bucket.
        public var shard: ShardInput? = nil
    }

    /// One public key a run loaded: enough for an auditor to tie each verdict to a published key.
    public struct PublicKeyInput: Sendable, Codable, Equatable {
        /// The file it came from (one of `publicKeyFiles`).
        public var file: String
        /// The region whose digests it may sign; `nil` for a key from a file bound to no region, which serves every region.
        public var region: String?
        /// Hex MD5 of its `Value` bytes as given (DER PKCS#1 or SubjectPublicKeyInfo), computed (never taken from the file).
        public var fingerprint: String
        /// Its validity window, when the key file gives one (a `list-public-keys` file does; PEM and DER do not).
        public var validityStart: String?
        public var validityEnd: String?
        public var bits: Int

        public init(file: String, region: String?, fingerprint: String, validityStart: String?, validityEnd: String?, bits: Int) {
            self.file = file
            self.region = region
            self.fingerprint = fingerprint
            self.validityStart = validityStart
            self.validityEnd = validityEnd
            self.bits = bits
        }
    }

    /// One digest chain: a trail's digests from one region.
    public struct Chain: Sendable, Codable, Equatable {
        public var id: String
        public var trailName: String
        public var trailArn: String
        public var accountId: String
        public var organizationId: String?
        public var region: String
        public var homeRegion: String
        public var s3Prefix: String?
        public var bucket: String
        public var backfill: Bool
        /// Digest files of this chain found on disk (before the time window).
        public var digestFilesOnDisk: Int
        /// The range validated: `--start-time`, else the oldest digest's start, as the AWS CLI's header prints it.
        public var requestedStart: String
        /// `--end-time`, else the newest digest's end.
        public var requestedEnd: String
        /// The span the valid digests cover, clipped to the time window (the AWS CLI's "Results found for").
        public var foundStart: String?
        public var foundEnd: String?
        /// With `--incremental`: the checkpointed digest the walk stopped at (verified by an earlier run).
        public var incrementalFrom: String? = nil
        /// What CloudTrail says it delivered digests through (`--trail-status`, `--expect-digests-through`).
        public var expectedThrough: String? = nil
    }

    public struct DigestEntry: Sendable, Codable, Equatable {
        public var s3Uri: String
        public var status: VerdictStatus
        public var reason: DigestReason?
        /// Details for a person: what was expected and found.
        public var message: String?
        public var chain: String
        public var digestStartTime: String?
        public var digestEndTime: String?
        public var publicKeyFingerprint: String?
        public var signatureSource: DigestSignature.Source?
        public var logFileCount: Int?
        /// `true` for a missing digest whose name is inferred from the chain's hourly cadence
        /// (a run of deleted digests, or digests CloudTrail says it delivered after the newest on disk).
        public var inferred: Bool?
        /// Hex SHA-256 of the uncompressed digest, when it could be read.
        public var sha256: String?
    }

    public struct LogFileEntry: Sendable, Codable, Equatable {
        public var s3Uri: String
        public var status: VerdictStatus
        public var reason: LogFileReason?
        public var note: LogFileNote?
        public var message: String?
        public var chain: String
        /// The digest that lists this log file; `nil` for an unreferenced one.
        public var digest: String?
        public var oldestEventTime: String?
        public var newestEventTime: String?
    }

    /// An object under a root that is neither a digest nor a log file, and is not CloudTrail's:
    /// an unexpected file or entry type in a CloudTrail tree, a sidecar with no digest, an unreadable folder.
    public struct ObjectEntry: Sendable, Codable, Equatable {
        /// `s3://bucket/key`; a key that is not printable UTF-8 is shown percent-encoded.
        public var s3Uri: String
        public var status: VerdictStatus
        public var reason: ObjectReason
        public var message: String
        /// The account and region folder it lies in (`…/CloudTrail/REGION` form), when it lies in one.
        public var scope: String?
    }

    /// A folder under a root that this run did not check, and why (a filter left it out, or it is not
    /// a kind of folder CloudTrail signs).
    public struct NotChecked: Sendable, Codable, Equatable {
        /// `s3://bucket/…/CloudTrail/REGION` (or the digest folder).
        public var folder: String
        public var reason: String
    }

    /// A stretch with no digests: validation or logging was off.
    public struct Gap: Sendable, Codable, Equatable {
        public var chain: String
        /// End of the older digest (its key's timestamp, as the AWS CLI prints it).
        public var start: String
        /// `digestStartTime` of the newer digest, which starts a new chain.
        public var end: String
        public var olderDigest: String
        public var newerDigest: String
        /// The events in the logs around the gap that explain it (StopLogging, UpdateTrail…), oldest first.
        public var explanations: [GapExplanation]? = nil
        /// `false` when no such event was found: the gap is unexplained, itself a finding.
        public var explained: Bool? = nil
        /// Such events found in log files this run did not prove (listed by no valid digest, or whose hash
        /// did not match): what they claim, with the file; never counted as an explanation.
        public var unprovenClaims: [GapExplanation]? = nil
        /// Log files around the gap that could not be read for explanations, each with why
        /// (`s3://…: inflates to more than … bytes`): what they hold is unknown.
        public var unreadableLogs: [String]? = nil
    }

    /// What the log folder of one account and region holds against what the digests list.
    public struct Coverage: Sendable, Codable, Equatable {
        /// The log folder: `[prefix/]AWSLogs/[o-org/]ACCOUNT/CloudTrail/REGION`.
        public var scope: String
        /// The delivery-time window checked: the digests' span, clipped to the time window given.
        public var start: String
        public var end: String
        /// Log files on disk delivered in that window.
        public var logFilesInWindow: Int
        /// Of those, listed by no digest and not in a gap: injected or renamed.
        public var notInAnyDigest: Int
        /// Of those, delivered while the chain had a gap (no digests at all).
        public var deliveredDuringGap: Int
        /// Of those, unverified: delivered in the span of a digest file that exists but could not be read.
        public var unverified: Int = 0
        /// Entries that are not files (named pipes, sockets, devices) and folders that could not be read.
        public var invalid: Int = 0
        /// Of the log files in the window, listed by a digest of a trail this run did not validate
        /// (a filter left it out): not checked, and not counted as unreferenced.
        public var listedByTrailsNotValidated: Int = 0
        /// Entries in the folder delivered outside the window (by both their name and their day folder).
        public var outsideWindow: Int = 0
        /// Digest chains of this account and region validated in this run (0: none, so nothing here is provable).
        public var digestChains: Int = 1
        /// The bucket the folder is in, when it is not the run's bucket (a `--bucket-root` copy); absent otherwise.
        public var bucket: String? = nil
    }

    public struct Counts: Sendable, Codable, Equatable {
        public var valid = 0
        public var invalid = 0
        public var missing = 0
        public var unverified = 0
        public var unreferenced = 0
        public var total: Int { valid + invalid + missing + unverified + unreferenced }

        mutating func add(_ status: VerdictStatus) {
            switch status {
            case .valid: valid += 1
            case .invalid: invalid += 1
            case .missing: missing += 1
            case .unverified: unverified += 1
            case .unreferenced: unreferenced += 1
            }
        }

        enum CodingKeys: String, CodingKey { case valid, invalid, missing, unverified, unreferenced, total }

        public init() {}

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            valid = try container.decode(Int.self, forKey: .valid)
            invalid = try container.decode(Int.self, forKey: .invalid)
            missing = try container.decode(Int.self, forKey: .missing)
            unverified = try container.decode(Int.self, forKey: .unverified)
            unreferenced = try container.decodeIfPresent(Int.self, forKey: .unreferenced) ?? 0
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(valid, forKey: .valid)
            try container.encode(invalid, forKey: .invalid)
            try container.encode(missing, forKey: .missing)
            try container.encode(unverified, forKey: .unverified)
            try container.encode(unreferenced, forKey: .unreferenced)
            try container.encode(total, forKey: .total)
        }
    }

    public struct Summary: Sendable, Codable, Equatable {
        public var digests: Counts
        public var logFiles: Counts
        public var gaps: Int
        /// Logs that are valid but carry a note (e.g. stored uncompressed).
        public var notes: Int
        /// Findings that do not fail the run on their own (logs delivered during a gap, unexplained gaps),
        /// unless `--strict`.
        public var warnings: Int
        /// `valid` when every digest and log file in range is valid.
        public var result: String
        /// Trails named by `--trail`, with validation on and this bucket as theirs, of which the copy
        /// holds no digest at all: everything they delivered is unproven. Each one fails the run.
        public var trailsWithoutDigests: Int = 0
        /// Objects under the roots that are neither digests nor log files and are not CloudTrail's
        /// (``ValidationReport/ObjectEntry``). Each one fails the run.
        public var objects = Counts()
        /// Entries outside every CloudTrail tree (other services' logs, other files): counted, not judged.
        public var otherObjects = 0
        /// Folders this run did not check, and why.
        public var notChecked: [NotChecked] = []
        /// What the command exits with: 0 valid, 1 anything invalid, missing, unverified or unreferenced
        /// (logs delivered during a gap only with `--strict`).
        public var exitCode: Int
    }

    public var tool: String = "cloudtrail-verify"
    public var version: String = CloudTrailVerifyVersion.current
    public var inputs: Inputs
    public var chains: [Chain]
    /// In walk order: per chain, newest first.
    public var digests: [DigestEntry]
    /// In walk order, grouped after the digest that lists them.
    public var logFiles: [LogFileEntry]
    /// Objects that are neither digests nor log files and are not CloudTrail's.
    public var objects: [ObjectEntry] = []
    public var gaps: [Gap]
    /// One entry per log folder checked for unreferenced files.
    public var coverage: [Coverage] = []
    /// Things to know that are not about one file: a trail whose validation is off now, a checkpoint written.
    public var notices: [String] = []
    public var summary: Summary

    /// Whether everything in range proved valid.
    public var isValid: Bool { summary.exitCode == 0 }
}

/// The library's version, reported in every JSON report.
public enum CloudTrailVerifyVersion {
    public static let current = "0.1.0"
}
