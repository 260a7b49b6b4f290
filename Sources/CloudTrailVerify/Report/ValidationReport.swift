/// Everything one validation run found: the value tools consume (`--format json`)
/// and the source of the AWS-CLI-style text.
///
/// Times are strings in the AWS CLI's display form, `2025-03-01T01:09:41Z`.
/// The format is documented in `docs/report.md`.
public struct ValidationReport: Sendable, Codable, Equatable {
    /// What the run was given.
    public struct Inputs: Sendable, Codable, Equatable {
        /// The bucket copy validated, as given.
        public internal(set) var root: String
        /// The bucket name used in every `s3://` URI.
        public internal(set) var bucket: String
        /// The key prefix the run was limited to, if any.
        public internal(set) var s3Prefix: String?
        /// Other buckets' local copies, by bucket name.
        public internal(set) var bucketRoots: [String: String]
        /// The key files read, in load order.
        public internal(set) var publicKeyFiles: [String]
        /// The start of the time window, if one was given.
        public internal(set) var startTime: String?
        /// The end of the time window, if one was given.
        public internal(set) var endTime: String?
        /// The trail the run was limited to, if any (JSON `trailArn`).
        public internal(set) var trailARN: String?
        /// The account the run was limited to, if any (JSON `accountId`).
        public internal(set) var accountID: String?
        /// The regions the run was limited to; empty for all.
        public internal(set) var regions: [String]
        /// Every key loaded, with its fingerprint and validity window, in load order. Optional so that reports
        /// written before it was added still decode.
        public internal(set) var publicKeys: [PublicKeyInput]? = nil
        /// With `--shard K/N`: which share of the run this report is, and the settings every shard must share
        /// (`cloudtrail-verify merge` checks them). Absent for a run over the whole bucket.
        public internal(set) var shard: ShardInput? = nil

        /// The JSON keys, as `docs/report.md` documents them.
        enum CodingKeys: String, CodingKey {
            case root
            case bucket
            case s3Prefix
            case bucketRoots
            case publicKeyFiles
            case startTime
            case endTime
            case trailARN = "trailArn"
            case accountID = "accountId"
            case regions
            case publicKeys
            case shard
        }
    }

    /// One public key a run loaded: enough for an auditor to tie each verdict to a published key.
    public struct PublicKeyInput: Sendable, Codable, Equatable {
        /// The file it came from (one of `publicKeyFiles`).
        public internal(set) var file: String
        /// The region whose digests it may sign; `nil` for a key from a file bound to no region, which serves every region.
        public internal(set) var region: String?
        /// Hex MD5 of its `Value` bytes as given (DER PKCS#1 or SubjectPublicKeyInfo), computed (never taken from the file).
        public internal(set) var fingerprint: String
        /// Its validity window, when the key file gives one (a `list-public-keys` file does; PEM and DER do not).
        public internal(set) var validityStart: String?
        /// The end of its validity window, when the key file gives one.
        public internal(set) var validityEnd: String?
        /// The RSA modulus size.
        public internal(set) var bits: Int

        init(file: String, region: String?, fingerprint: String, validityStart: String?, validityEnd: String?, bits: Int) {
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
        /// The chain's name: its digest folder, `#` and the trail name (` (backfill)` for a backfill chain); entries' `chain` refers to it.
        public internal(set) var id: String
        /// The trail's name, from the digests' keys.
        public internal(set) var trailName: String
        /// The trail's ARN (JSON `trailArn`), from its configuration when given, else built from the keys.
        public internal(set) var trailARN: String
        /// The account whose folder holds the chain (JSON `accountId`).
        public internal(set) var accountID: String
        /// The organization, for an organization trail (JSON `organizationId`).
        public internal(set) var organizationID: String?
        /// The region whose digests these are.
        public internal(set) var region: String
        /// The trail's home region.
        public internal(set) var homeRegion: String
        /// The key prefix the chain lives under, if any.
        public internal(set) var s3Prefix: String?
        /// The bucket the chain lives in.
        public internal(set) var bucket: String
        /// Whether these are backfill digests, which form a chain of their own.
        public internal(set) var backfill: Bool
        /// Digest files of this chain found on disk (before the time window).
        public internal(set) var digestFilesOnDisk: Int
        /// The range validated: `--start-time`, else the oldest digest's start, as the AWS CLI's header prints it.
        public internal(set) var requestedStart: String
        /// `--end-time`, else the newest digest's end.
        public internal(set) var requestedEnd: String
        /// The span the valid digests cover, clipped to the time window (the AWS CLI's "Results found for").
        public internal(set) var foundStart: String?
        /// The end of the span the valid digests cover.
        public internal(set) var foundEnd: String?
        /// With `--incremental`: the checkpointed digest the walk stopped at (verified by an earlier run).
        public internal(set) var incrementalFrom: String? = nil
        /// What CloudTrail says it delivered digests through (`--trail-status`, `--expect-digests-through`).
        public internal(set) var expectedThrough: String? = nil

        /// The JSON keys, as `docs/report.md` documents them.
        enum CodingKeys: String, CodingKey {
            case id
            case trailName
            case trailARN = "trailArn"
            case accountID = "accountId"
            case organizationID = "organizationId"
            case region
            case homeRegion
            case s3Prefix
            case bucket
            case backfill
            case digestFilesOnDisk
            case requestedStart
            case requestedEnd
            case foundStart
            case foundEnd
            case incrementalFrom
            case expectedThrough
        }
    }

    /// The verdict on one digest file (or one inferred to be missing).
    public struct DigestEntry: Sendable, Codable, Equatable {
        /// Where the digest is (JSON `s3Uri`): `s3://bucket/key`.
        public internal(set) var s3URI: String
        /// The verdict on this digest.
        public internal(set) var status: VerdictStatus
        /// Why it is not valid; `nil` when it is.
        public internal(set) var reason: DigestReason?
        /// Details for a person: what was expected and found.
        public internal(set) var message: String?
        /// The ``ValidationReport/Chain/id`` of its chain.
        public internal(set) var chain: String
        /// The digest's `digestStartTime`, when it could be read.
        public internal(set) var digestStartTime: String?
        /// The digest's `digestEndTime`, when it could be read (or inferred).
        public internal(set) var digestEndTime: String?
        /// The fingerprint of the key it names, when it could be read.
        public internal(set) var publicKeyFingerprint: String?
        /// Where the signature it was checked against came from.
        public internal(set) var signatureSource: SignatureSource?
        /// How many log files it lists.
        public internal(set) var logFileCount: Int?
        /// `true` for a missing digest whose name is inferred from the chain's hourly cadence
        /// (a run of deleted digests, or digests CloudTrail says it delivered after the newest on disk).
        public internal(set) var inferred: Bool?
        /// Hex SHA-256 of the uncompressed digest, when it could be read.
        public internal(set) var sha256: String?

        /// The JSON keys, as `docs/report.md` documents them.
        enum CodingKeys: String, CodingKey {
            case s3URI = "s3Uri"
            case status
            case reason
            case message
            case chain
            case digestStartTime
            case digestEndTime
            case publicKeyFingerprint
            case signatureSource
            case logFileCount
            case inferred
            case sha256
        }
    }

    /// The verdict on one log file: listed by a digest, or found in a log folder and listed by none.
    public struct LogFileEntry: Sendable, Codable, Equatable {
        /// Where the log file is (JSON `s3Uri`): `s3://bucket/key`.
        public internal(set) var s3URI: String
        /// The verdict on this log file.
        public internal(set) var status: VerdictStatus
        /// Why it is not valid; `nil` when it is.
        public internal(set) var reason: LogFileReason?
        /// Something to know about a valid file (such as stored uncompressed).
        public internal(set) var note: LogFileNote?
        /// Details for a person: what was expected and found.
        public internal(set) var message: String?
        /// The ``ValidationReport/Chain/id`` of the chain that lists it (or of its folder's chain).
        public internal(set) var chain: String
        /// The digest that lists this log file; `nil` for an unreferenced one.
        public internal(set) var digest: String?
        /// The oldest event time its digest lists for it.
        public internal(set) var oldestEventTime: String?
        /// The newest event time its digest lists for it.
        public internal(set) var newestEventTime: String?

        /// The JSON keys, as `docs/report.md` documents them.
        enum CodingKeys: String, CodingKey {
            case s3URI = "s3Uri"
            case status
            case reason
            case note
            case message
            case chain
            case digest
            case oldestEventTime
            case newestEventTime
        }
    }

    /// An object under a root that is neither a digest nor a log file, and is not CloudTrail's:
    /// an unexpected file or entry type in a CloudTrail tree, a sidecar with no digest, an unreadable folder.
    public struct ObjectEntry: Sendable, Codable, Equatable {
        /// `s3://bucket/key`; a key that is not printable UTF-8 is shown percent-encoded.
        public internal(set) var s3URI: String
        /// The verdict on this object.
        public internal(set) var status: VerdictStatus
        /// Why it is reported.
        public internal(set) var reason: ObjectReason
        /// Details for a person.
        public internal(set) var message: String
        /// The account and region folder it lies in (`…/CloudTrail/REGION` form), when it lies in one.
        public internal(set) var scope: String?

        /// The JSON keys, as `docs/report.md` documents them.
        enum CodingKeys: String, CodingKey {
            case s3URI = "s3Uri"
            case status
            case reason
            case message
            case scope
        }
    }

    /// A folder under a root that this run did not check, and why (a filter left it out, or it is not
    /// a kind of folder CloudTrail signs).
    public struct NotChecked: Sendable, Codable, Equatable {
        /// `s3://bucket/…/CloudTrail/REGION` (or the digest folder).
        public internal(set) var folder: String
        /// Why it was not checked, for a person.
        public internal(set) var reason: String
    }

    /// A stretch with no digests: validation or logging was off.
    public struct Gap: Sendable, Codable, Equatable {
        /// The ``ValidationReport/Chain/id`` of the chain with the gap.
        public internal(set) var chain: String
        /// End of the older digest (its key's timestamp, as the AWS CLI prints it).
        public internal(set) var start: String
        /// `digestStartTime` of the newer digest, which starts a new chain.
        public internal(set) var end: String
        /// The `s3://` URI of the digest before the gap.
        public internal(set) var olderDigest: String
        /// The `s3://` URI of the digest after the gap.
        public internal(set) var newerDigest: String
        /// The events in the logs around the gap that explain it (StopLogging, UpdateTrail…), oldest first.
        public internal(set) var explanations: [GapExplanation]? = nil
        /// `false` when no such event was found: the gap is unexplained, itself a finding.
        public internal(set) var explained: Bool? = nil
        /// Such events found in log files this run did not prove (listed by no valid digest, or whose hash
        /// did not match): what they claim, with the file; never counted as an explanation.
        public internal(set) var unprovenClaims: [GapExplanation]? = nil
        /// Log files around the gap that could not be read for explanations, each with why
        /// (`s3://…: inflates to more than … bytes`): what they hold is unknown.
        public internal(set) var unreadableLogs: [String]? = nil
    }

    /// What the log folder of one account and region holds against what the digests list.
    public struct Coverage: Sendable, Codable, Equatable {
        /// The log folder: `[prefix/]AWSLogs/[o-org/]ACCOUNT/CloudTrail/REGION`.
        public internal(set) var scope: String
        /// The delivery-time window checked: the digests' span, clipped to the time window given.
        public internal(set) var start: String
        /// The end of the delivery-time window checked.
        public internal(set) var end: String
        /// Log files on disk delivered in that window.
        public internal(set) var logFilesInWindow: Int
        /// Of those, listed by no digest and not in a gap: injected or renamed.
        public internal(set) var notInAnyDigest: Int
        /// Of those, delivered while the chain had a gap (no digests at all).
        public internal(set) var deliveredDuringGap: Int
        /// Of those, unverified: delivered in the span of a digest file that exists but could not be read.
        public internal(set) var unverified: Int = 0
        /// Entries that are not files (named pipes, sockets, devices) and folders that could not be read.
        public internal(set) var invalid: Int = 0
        /// Of the log files in the window, listed by a digest of a trail this run did not validate
        /// (a filter left it out): not checked, and not counted as unreferenced.
        public internal(set) var listedByTrailsNotValidated: Int = 0
        /// Entries in the folder delivered outside the window (by both their name and their day folder).
        public internal(set) var outsideWindow: Int = 0
        /// Digest chains of this account and region validated in this run (0: none, so nothing here is provable).
        public internal(set) var digestChains: Int = 1
        /// The bucket the folder is in, when it is not the run's bucket (a `--bucket-root` copy); absent otherwise.
        public internal(set) var bucket: String? = nil
    }

    /// How many entries of one kind ended in each status.
    public struct Counts: Sendable, Codable, Equatable {
        /// Proven intact.
        public internal(set) var valid = 0
        /// Present, but failing a check.
        public internal(set) var invalid = 0
        /// Referenced but absent.
        public internal(set) var missing = 0
        /// Proven neither way.
        public internal(set) var unverified = 0
        /// Log files no digest lists.
        public internal(set) var unreferenced = 0
        /// All of them: the denominator of the `N/M` lines.
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

        init() {}

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

    /// The run's counts and verdict: what a tool checks first.
    public struct Summary: Sendable, Codable, Equatable {
        /// Digest verdicts, by status.
        public internal(set) var digests: Counts
        /// Log-file verdicts, by status (unreferenced ones included).
        public internal(set) var logFiles: Counts
        /// Gaps found, in all chains.
        public internal(set) var gaps: Int
        /// Logs that are valid but carry a note (e.g. stored uncompressed).
        public internal(set) var notes: Int
        /// Findings that do not fail the run on their own (logs delivered during a gap, unexplained gaps),
        /// unless `--strict`.
        public internal(set) var warnings: Int
        /// The run's verdict: ``ValidationResult/valid`` when every digest and log file in range is valid.
        public internal(set) var result: ValidationResult
        /// Trails named by `--trail`, with validation on and this bucket as theirs, of which the copy
        /// holds no digest at all: everything they delivered is unproven. Each one fails the run.
        public internal(set) var trailsWithoutDigests: Int = 0
        /// Objects under the roots that are neither digests nor log files and are not CloudTrail's
        /// (``ValidationReport/ObjectEntry``). Each one fails the run.
        public internal(set) var objects = Counts()
        /// Entries outside every CloudTrail tree (other services' logs, other files): counted, not judged.
        public internal(set) var otherObjects = 0
        /// Folders this run did not check, and why.
        public internal(set) var notChecked: [NotChecked] = []
        /// `exitCode` in the JSON report, which tools read: 0 for `valid`, 1 for `invalid`. Not part of the
        /// Swift API, which gives ``result`` instead: how a process exits is the command line's business.
        var exitCode: Int
    }

    /// The schema version of the JSON report this library writes (`schemaVersion`); see `docs/report.md` for when it changes.
    public static let currentSchemaVersion = 1

    /// Always `cloudtrail-verify`: what wrote the report.
    public internal(set) var tool: String = "cloudtrail-verify"
    /// The library version that wrote the report (``BucketValidator/version``).
    public internal(set) var version: String = BucketValidator.version
    /// The version of the report's schema (``currentSchemaVersion`` for reports this library writes): a reader
    /// refuses a version it does not know.
    public internal(set) var schemaVersion: Int = ValidationReport.currentSchemaVersion
    /// What the run was given.
    public internal(set) var inputs: Inputs
    /// Every chain validated, in walk order, with the span its valid digests cover.
    public internal(set) var chains: [Chain]
    /// In walk order: per chain, newest first.
    public internal(set) var digests: [DigestEntry]
    /// In walk order, grouped after the digest that lists them.
    public internal(set) var logFiles: [LogFileEntry]
    /// Objects that are neither digests nor log files and are not CloudTrail's.
    public internal(set) var objects: [ObjectEntry] = []
    /// Every gap, in walk order.
    public internal(set) var gaps: [Gap]
    /// One entry per log folder checked for unreferenced files.
    public internal(set) var coverage: [Coverage] = []
    /// Things to know that are not about one file: a trail whose validation is off now, a checkpoint written.
    public internal(set) var notices: [String] = []
    /// The counts and the verdict.
    public internal(set) var summary: Summary

    /// Whether everything in range proved valid.
    public var isValid: Bool { summary.result == .valid }
}


