/// The outcome for one digest file or log file.
public enum VerdictStatus: String, Sendable, Codable, CaseIterable {
    /// Proven intact.
    case valid
    /// Present, but fails a check.
    case invalid
    /// Referenced, but absent from the bucket copy.
    case missing
    /// Cannot be proven either way.
    case unverified
    /// A log file in the bucket copy that no digest lists.
    case unreferenced
}

/// Why a digest file is not valid. Raw values are the report's `reason` codes.
public enum DigestReason: String, Sendable, Codable, CaseIterable {
    /// Listed or linked to, but not in the bucket copy (its status is ``VerdictStatus/missing``).
    case notFound = "not_found"
    /// Not a gzip-compressed digest document CloudTrail writes: it cannot be parsed, or a field is missing or malformed.
    case invalidFormat = "invalid_format"
    /// Its `digestS3Bucket` or `digestS3Object` names another place: a copy of a digest put where another should be.
    case moved
    /// The RSA-SHA256 signature does not verify with the key its fingerprint names: the digest was changed or forged.
    case signatureFailed = "signature_failed"
    /// No signature was found for it (no S3 metadata, no next digest vouching for it): it cannot be proven either way.
    case signatureUnavailable = "signature_unavailable"
    /// No loaded public key has the fingerprint the digest names.
    case unknownFingerprint = "unknown_fingerprint"
    /// The key it names belongs to another region than the digest's.
    case keyWrongRegion = "key_wrong_region"
    /// The key it names was not valid when the digest was signed.
    case keyNotValidAtTime = "key_not_valid_at_time"
    /// The signature metadata names an algorithm other than `SHA256withRSA`.
    case unsupportedSignatureAlgorithm = "unsupported_signature_algorithm"
    /// The next digest's `previousDigestHashValue` is not this digest's SHA-256: it was replaced after the next one was signed.
    case previousHashMismatch = "previous_hash_mismatch"
    /// The location would resolve outside the bucket copy (`..`, an absolute key,
    /// percent-encoded dots or slashes, a symbolic link leading out).
    case unsafePath = "unsafe_path"
    /// On disk, but the walk never reached it, and it is identical to a digest the chain holds.
    case duplicate
    /// On disk, off the chain, and claims a predecessor that a digest of the chain already claims.
    case fork
    /// On disk, but no newer digest links to it and it is neither moved, a duplicate, nor a fork.
    case offChain = "off_chain"
    /// Not what an earlier run recorded in `--checkpoint`: replaced since it was verified.
    case checkpointMismatch = "checkpoint_mismatch"
    /// `hashAlgorithm` or `previousDigestHashAlgorithm` is not `SHA-256`, or a hash value is not a SHA-256 in hex:
    /// refused rather than recomputed with SHA-256.
    case unsupportedHashAlgorithm = "unsupported_hash_algorithm"
    /// The signature is not hex, or not as long as the key's modulus.
    case malformedSignature = "malformed_signature"
    /// The object name's time or date folders differ from `digestEndTime`, the start is not before the end,
    /// or the span is far from an hour.
    case timeMismatch = "time_mismatch"
    /// `awsAccountId` is not the account of the digest's folder, or a listed log lies outside the log folder
    /// of the digest's bucket, prefix, organization, account and region (or is not a log file at all).
    case wrongPlace = "wrong_place"
    /// Lists one log twice, or a log that a newer digest of the chain already listed.
    case logListedTwice = "log_listed_twice"
    /// A log's (or the digest's) event times are out of order, after the digest's end, or long before its start.
    case implausibleEventTimes = "implausible_event_times"
    /// Starts before its predecessor ended: the two overlap.
    case overlap
    /// Its `previousDigestHashValue` or `previousDigestSignature` does not name the predecessor's own
    /// content and signature (the predecessor itself is authentic).
    case linkMismatch = "link_mismatch"
    /// Its link leaves the chain: into another trail's, account's, region's, prefix's or bucket's digests.
    case splice

    /// The status this reason implies.
    public var status: VerdictStatus {
        switch self {
        case .notFound: return .missing
        case .signatureUnavailable: return .unverified
        default: return .invalid
        }
    }
}

/// Why a log file is not valid. Raw values are the report's `reason` codes.
public enum LogFileReason: String, Sendable, Codable, CaseIterable {
    /// Listed by a valid digest, but not in the bucket copy (its status is ``VerdictStatus/missing``).
    case notFound = "not_found"
    /// Not a gzip stream that inflates: it cannot be hashed as CloudTrail did.
    case invalidFormat = "invalid_format"
    /// Its SHA-256 is not the one its digest lists: the log was changed.
    case hashMismatch = "hash_mismatch"
    /// Bytes follow the end of its gzip stream: something was appended.
    case trailingData = "trailing_data"
    /// The location would resolve outside the bucket copy.
    case unsafePath = "unsafe_path"
    /// Listed only by a digest that is invalid.
    case digestInvalid = "digest_invalid"
    /// In the bucket copy and in the validated window, but listed by no digest: injected or renamed.
    case notInAnyDigest = "not_in_any_digest"
    /// Listed by no digest, and delivered while the chain had a gap (validation or logging off):
    /// it cannot be proven, which is expected for such a period.
    case deliveredDuringGap = "delivered_during_gap"
    /// Listed only by a digest whose signature could not be checked.
    case digestUnverified = "digest_unverified"
    /// Listed by no digest read, and delivered in the span of a digest file that exists but could not
    /// be read: that digest may list it, so it can be proven neither way.
    case digestUnreadable = "digest_unreadable"
    /// Listed by no digest, in an account and region folder for which this copy holds no digest chain
    /// (all its digests gone, validation never on, or an account no digest names).
    case noDigestChain = "no_digest_chain"
    /// Listed by no digest, and its name's date disagrees with its day folder: CloudTrail writes both
    /// from the delivery time, so the file was renamed or moved.
    case dateMismatch = "date_mismatch"
    /// Listed by no digest, in a log folder, and not named like a CloudTrail log file of that folder.
    case unrecognizedName = "unrecognized_name"
    /// In a log folder, an entry that is not a file (a named pipe, socket or device): never opened.
    case unexpectedType = "unexpected_type"

    /// The status this reason implies.
    public var status: VerdictStatus {
        switch self {
        case .notFound: return .missing
        case .digestInvalid, .digestUnverified, .digestUnreadable: return .unverified
        case .notInAnyDigest, .deliveredDuringGap, .noDigestChain, .dateMismatch, .unrecognizedName: return .unreferenced
        default: return .invalid
        }
    }
}

/// Why an object found under a root, that is neither a digest nor a log file, is reported.
/// Raw values are the report's `reason` codes.
public enum ObjectReason: String, Sendable, Codable, CaseIterable {
    /// A folder that cannot be opened or listed: what it holds cannot be accounted for.
    case unreadableFolder = "unreadable_folder"
    /// A file in a CloudTrail tree that is neither a digest, a digest's sidecar nor in a log folder.
    case unexpectedObject = "unexpected_object"
    /// A named pipe, socket or device in a CloudTrail digest tree.
    case unexpectedType = "unexpected_type"
    /// A `.metadata.json` sidecar with no digest file beside it.
    case orphanSidecar = "orphan_sidecar"

    /// Every object finding fails the run: the copy holds something CloudTrail did not put there,
    /// or something that cannot be read.
    public var status: VerdictStatus {
        switch self {
        case .unreadableFolder: return .unverified
        default: return .invalid
        }
    }
}

/// Something worth knowing about a valid log file.
public enum LogFileNote: String, Sendable, Codable, CaseIterable {
    /// The copy on disk is already decompressed (a download path undid `Content-Encoding: gzip`);
    /// its bytes hash to the digest's value.
    case storedUncompressed = "stored_uncompressed"
}
