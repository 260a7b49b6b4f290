/// The auditor's explanation of every reason code, note and gap verdict, taken from `docs/verdicts.md`.
///
/// Keyed by the report's own codes (`DigestReason`, `LogFileReason`, `LogFileNote` raw values), so a writer
/// looks findings up by the code it reads from the event, and a code added later without an entry here still
/// renders (with ``AuditorExplanation/unknown``); `AuditorExplanationsTests` fails until it has one.
enum AuditorExplanations {
    /// What a digest's `reason` means.
    static func digest(_ code: String) -> AuditorExplanation { digestReasons[code] ?? .unknown }
    /// What a log file's `reason` means.
    static func logFile(_ code: String) -> AuditorExplanation { logFileReasons[code] ?? .unknown }
    /// What a valid log file's `note` means.
    static func note(_ code: String) -> AuditorExplanation { notes[code] ?? .unknown }
    /// For an ``ObjectReason`` code.
    static func object(_ code: String) -> AuditorExplanation { objectReasons[code] ?? .unknown }

    private static let redownload = "download that object again and compare. If S3 holds the same bytes, treat it as tampering."

    static let digestReasons: [String: AuditorExplanation] = [
        "not_found": .init(
            meaning: "The newer digest says this digest should exist (or the hourly cadence, a trail status or a checkpoint says so), but the bucket copy does not have it. The hour of logs it covered cannot be checked through it.",
            causes: "The object was deleted from S3 (deliberately, or by a lifecycle rule); the download was incomplete or filtered; the digest lives in another bucket whose copy was not given.",
            whatToDo: "Check that the download is complete (re-run aws s3 sync). If it is still missing in S3, find out who deleted it: CloudTrail data events or S3 server access logs for DeleteObject, and the lifecycle configuration. If another bucket is named, download it and pass --bucket-root NAME=DIR. Logs only this digest listed are reported unreferenced (not_in_any_digest) by the coverage scan: look at those first."),
        "invalid_format": .init(
            meaning: "The file is not a readable CloudTrail digest. The JSON is read strictly: duplicate keys, invalid UTF-8, deep nesting, fields of the wrong type and anything after the gzip stream are refused.",
            causes: "A broken download (an error page saved under the digest's name, a truncated file); a file that was overwritten; a file that was never a digest; a crafted file; for a backfill digest, metadata lost in the download.",
            whatToDo: "Download that object (and, for a backfill digest, its metadata) again and compare. If S3 holds the same bytes, treat it as tampering. The logs it listed cannot be named through it; those still in the copy are reported unreferenced."),
        "moved": .init(
            meaning: "The digest is intact, but it says CloudTrail put it somewhere else. Someone copied or renamed it.",
            causes: "An attempt to make a digest stand in for another (for example, to hide a deleted one); a copy made between buckets or prefixes without keeping the keys; a wrong --bucket.",
            whatToDo: "Check --bucket and the folder layout first. Otherwise look for the original location named in the message; usually a not_found is reported at that place too."),
        "signature_failed": .init(
            meaning: "The digest's contents are not what CloudTrail signed. This is the clearest sign of tampering.",
            causes: "The digest was edited, for example to update a log file's hash after that log was changed; the signature metadata belongs to another digest (a sidecar copied next to the wrong file); the bytes were changed in transit.",
            whatToDo: "Download the digest and its metadata again (aws s3api head-object). If it still fails, treat the digest and every log it lists as compromised. Those logs are reported unverified (digest_invalid)."),
        "signature_unavailable": .init(
            meaning: "Nothing proves or disproves this digest: no signature was found (no xattr, no usable .metadata.json sidecar, no valid newer digest linking to it), or the only candidate came from a newer digest that is not itself valid and it does not verify.",
            causes: "Typically the newest digest of a chain downloaded with plain aws s3 sync, which drops S3 metadata.",
            whatToDo: "Fetch the signature: aws s3api head-object --bucket B --key K > K.metadata.json next to the file (or re-download with scripts/fetch-bucket.sh or rclone copy --metadata), then run again. If the candidate came from a newer digest, resolve that digest's problem first."),
        "unknown_fingerprint": .init(
            meaning: "None of the keys given has the fingerprint the digest names.",
            causes: "The key file does not cover the digest's time (list-public-keys was run without --start-time, so it returned only the current key); the key file is for another partition; the digest was signed with a key CloudTrail never published, which means it is forged.",
            whatToDo: "Run aws cloudtrail list-public-keys --region R --start-time <before the digest> and pass the output. If the fingerprint is still absent, treat the digest as forged."),
        "key_wrong_region": .init(
            meaning: "The key exists, but it was published for another region. CloudTrail signs each region's digests with that region's key.",
            causes: "A digest signed in another region was copied into this chain; the key files are named after the wrong regions.",
            whatToDo: "Check that each key file is named after the region it was listed from (or use --public-keys REGION=PATH). If the names are right, treat the digest as foreign to this chain."),
        "key_not_valid_at_time": .init(
            meaning: "The key is right for the region, but it was not in service when this digest claims to have been written (digestEndTime; for a backfill digest, its generation time give or take an hour).",
            causes: "A digest signed with a retired key; a digest back-dated or forward-dated while keeping an old signature; a key file edited by hand.",
            whatToDo: "List the keys again for a range that includes the digest's time. If the windows are still the same, treat the digest as forged."),
        "unsupported_signature_algorithm": .init(
            meaning: "The digest or its metadata declares an algorithm other than the one CloudTrail uses (SHA256withRSA).",
            causes: "A forged or edited digest or sidecar.",
            whatToDo: "Download the digest and its metadata again. CloudTrail only uses SHA256withRSA."),
        "previous_hash_mismatch": .init(
            meaning: "This digest is correctly signed, but it is not the digest the chain recorded: the valid newer digest stored a different SHA-256 for its predecessor. It was replaced by another validly signed digest.",
            causes: "Substitution of a genuine digest from elsewhere (another hour, another trail with the same key) to hide a log; a copy assembled from two different downloads.",
            whatToDo: "Treat the logs it lists as unproven (they are reported unverified). Find the digest that belongs here by the hash in the message."),
        "unsafe_path": .init(
            meaning: "The digest's location would resolve to a file outside the bucket copy, or could be read differently by another tool. It was never opened. CloudTrail never writes such keys.",
            causes: "A crafted digest, or a bucket copy whose files are symbolic links into another folder (some backup tools do this).",
            whatToDo: "If the copy is made of links, make a real copy and run again. Otherwise treat the digest that named this location as hostile."),
        "duplicate": .init(
            meaning: "A digest file that no link of the chain reaches, whose bytes are identical to a digest the walk did read: a genuine digest stored a second time under another name.",
            causes: "A replay: someone copied a genuine digest to a new key (for example to fill the place of a deleted hour, or to make its logs look listed twice).",
            whatToDo: "Find who wrote the copy. Its logs are reported again as unverified (digest_invalid); their verdict through the genuine digest is the one that counts."),
        "fork": .init(
            meaning: "A digest that no link reaches and that names, as its previous digest, a digest already claimed by a digest of the chain. A chain has one successor per digest; this is a second one.",
            causes: "A second, validly signed digest from the same trail slipped into the copy (taken from another copy or replayed from a different time line), or a forged digest.",
            whatToDo: "Treat its logs as unproven (they are reported unverified). Compare with a fresh download: S3 should not hold two digests for the same hour."),
        "off_chain": .init(
            meaning: "A digest file in the range the walk covered that no newer digest links to, and that is neither a duplicate, moved, nor a fork. Even a validly signed digest proves nothing when the chain skips it.",
            causes: "A digest planted (or left over) under a digest-shaped name, for example listing a log that nothing else lists.",
            whatToDo: "Treat its logs as unproven (they are reported unverified). Find who wrote the file."),
        "checkpoint_mismatch": .init(
            meaning: "An earlier run recorded this digest in the --checkpoint file as verified, with the SHA-256 of its bytes. The bytes on disk now are different (or no longer readable).",
            causes: "The digest was replaced after the earlier run (history rewritten between audits); the checkpoint file belongs to another bucket copy.",
            whatToDo: "Compare with the copy you audited before and with S3. If the checkpoint is yours and the copy is the same bucket, treat it as tampering with already-audited history."),
        "unsupported_hash_algorithm": .init(
            meaning: "The digest is validly signed, but a hash label is not SHA-256 (hashAlgorithm, previousDigestHashAlgorithm), or a value labelled SHA-256 is not one. CloudTrail writes only SHA-256, so nothing it claims is checked with another algorithm. Invalid; its logs are unverified.",
            causes: "A service fault, or a digest assembled from another source.",
            whatToDo: "Compare the digest with the object in S3; report a signed digest with other labels to AWS."),
        "time_mismatch": .init(
            meaning: "The digest is validly signed, but its name or date folders disagree with its digestEndTime, its start is not before its end, or it spans far from one hour. Invalid; its logs are unverified.",
            causes: "A signed digest copied to another name, or a fault in the digest's times.",
            whatToDo: "Find the object whose name matches its digestEndTime in S3 and compare."),
        "wrong_place": .init(
            meaning: "The digest is validly signed, but its awsAccountId is not the account of its folder, or it lists an object that is not a CloudTrail log of its own account, region, prefix and organization folder. Invalid; its logs are unverified.",
            causes: "A digest copied in from another account or trail, or a copy assembled from several buckets.",
            whatToDo: "Find where the digest came from; compare with the bucket the trail really delivers to."),
        "log_listed_twice": .init(
            meaning: "A log is listed twice in one digest, or by two signed digests: CloudTrail lists each log once. The finding is on the digest whose hour does not hold the log's delivery time.",
            causes: "A fault in the digests, or digests from two copies of a trail mixed in one bucket.",
            whatToDo: "Compare both digests with S3; the log itself is judged by the digest it belongs to."),
        "malformed_signature": .init(
            meaning: "The digest's signature is not hex, or not as long as the key's modulus: it cannot be a signature by that key. Invalid; its logs are unverified.",
            causes: "Metadata damaged or padded by a tool, or forged.",
            whatToDo: "Fetch the digest's metadata again (aws s3api head-object) and run again."),
        "overlap": .init(
            meaning: "The digest starts before the digest it links to ended: two signed digests claim the same stretch of time. Invalid; its logs are unverified; the older digest stays valid.",
            causes: "A fault in the digests, or a digest from another chain put in this one.",
            whatToDo: "Compare both digests with S3."),
        "implausible_event_times": .init(
            meaning: "A log's oldest event is after its newest, or an event is after the digest's end or long before its start: the signed times cannot be true. Invalid; its logs are unverified.",
            causes: "A fault in the digest's times.",
            whatToDo: "Compare the digest with S3 and the log's own event times."),
        "link_mismatch": .init(
            meaning: "The digest links to its predecessor, but the hash or signature it records is not that predecessor's own: the link carries another digest's identity. Invalid; the predecessor stays valid.",
            causes: "A signed digest from elsewhere put at this place in the chain.",
            whatToDo: "Compare both digests with S3; find where the linking digest came from."),
        "splice": .init(
            meaning: "The digest links into another trail's, account's or region's chain: a splice. The digest that makes the link is invalid; the digests it bypasses are judged on their own.",
            causes: "Digests of two chains mixed in one copy, or a deliberate splice to hide digests.",
            whatToDo: "Check both chains against S3; any digest the splice skipped is reported where it is missing."),
    ]

    static let logFileReasons: [String: AuditorExplanation] = [
        "not_found": .init(
            meaning: "A valid digest lists this log file, but the bucket copy does not have it. Events are missing from the record.",
            causes: "Deletion in S3 (by a person or a lifecycle rule that expires logs before digests); an incomplete download; a log in another bucket without --bucket-root.",
            whatToDo: "Re-sync. If S3 does not have it either, find who deleted it, and treat the events of that period as unaccounted for. If an unreferenced file of the same minute appears, the log may have been renamed."),
        "unsafe_path": .init(
            meaning: "A valid digest lists this log under a key that would resolve outside the bucket copy, or the file is a symbolic link leading out of it (or to nothing). It was never opened.",
            causes: "For a key with '..' or percent-encoded dots: a crafted digest. For a link: a copy made of links, or an attempt to make the validator read a file you never meant to audit.",
            whatToDo: "If the copy is made of links, make a real copy and run again. Otherwise treat it as tampering."),
        "invalid_format": .init(
            meaning: "The file cannot be read as the log CloudTrail delivered.",
            causes: "Corruption on disk or in transit; truncation; an edited file that was not re-compressed properly.",
            whatToDo: "Download it again. If S3's copy is the same, treat it as tampered."),
        "hash_mismatch": .init(
            meaning: "The log decompresses cleanly, but its contents are not what the valid digest recorded. It was changed after delivery.",
            whatToDo: "Treat its events as altered. Compare it with other copies if you have any (SIEM, CloudWatch Logs), and find who wrote the object."),
        "trailing_data": .init(
            meaning: "After the end of the gzip stream there are extra bytes that CloudTrail did not write. They could hide content from tools that read past the first stream.",
            whatToDo: "Treat it as tampered. The AWS CLI (since 1.45.55) reports the same thing."),
        "digest_invalid": .init(
            meaning: "The only digest that lists this log failed its own checks, or is off the chain. The log was not read, and nothing vouches for it.",
            whatToDo: "Resolve the digest's problem first. The log may well be intact, but this bucket copy cannot show it."),
        "digest_unverified": .init(
            meaning: "The digest listing this log could not be proven (usually the newest digest without its signature metadata).",
            whatToDo: "Obtain that digest's signature (see signature_unavailable) and run again."),
        "not_in_any_digest": .init(
            meaning: "A file sits in the log folder, inside the span the digests cover, and no digest lists it. Nothing proves CloudTrail delivered it. The run fails.",
            causes: "A fabricated log dropped into the copy; a genuine log renamed (then its listed name is also reported not_found); a log whose digest was deleted or is unreadable (then that digest is reported too); a file some other tool put there.",
            whatToDo: "If a digest of the same hour is not_found or invalid_format, resolve that first. Otherwise do not trust the file's events; find who wrote it (S3 server access logs, PutObject data events)."),
        "digest_unreadable": .init(
            meaning: "No digest this run read lists the file, but it was delivered in the hour of a digest file that exists and could not be read or was not opened. That digest may list it: it can be proven neither way. The run fails.",
            causes: "The digest of that hour was damaged, truncated or replaced (see its invalid_format or unsafe_path finding).",
            whatToDo: "Resolve the digest's finding first (download it again from S3); then run again."),
        "no_digest_chain": .init(
            meaning: "The file lies in an account and region log folder for which this copy holds no digest chain that was validated: nothing there can be proven. The run fails.",
            causes: "Every digest of that account and region was deleted; validation was never on for the trail delivering there; an account no digest names wrote into the bucket; or the files were planted.",
            whatToDo: "Check that the trail delivering there has log file validation on and that its digests were downloaded (aws s3 sync of CloudTrail-Digest/). If the folder belongs to a trail you do not mean to check, leave it out with --region, --account-id or --s3-prefix."),
        "date_mismatch": .init(
            meaning: "No digest lists the file, and the date in its name disagrees with the day folder it lies in. CloudTrail writes both from the delivery time, so the file was renamed or moved. The run fails.",
            causes: "A log renamed to fall outside a time window, or moved to another day's folder, to escape a check that reads only one of the two.",
            whatToDo: "Compare its bytes with the logs its name and its folder point to; find who wrote it (S3 server access logs)."),
        "unrecognized_name": .init(
            meaning: "No digest lists the file, and its name is not that of a CloudTrail log file of its folder (or is not UTF-8, shown percent-encoded). Nothing proves CloudTrail wrote it. The run fails.",
            causes: "A file some other tool or a person put in the log folder (a download tool's metadata, a staging file), or a planted one.",
            whatToDo: "Find out who wrote it; remove it from the copy only when you know it is not evidence."),
        "unexpected_type": .init(
            meaning: "An entry in a log folder is not a file (a named pipe, socket or device). It was never opened. The run fails.",
            causes: "Something other than a download made it; a pipe could stall a validator that opens it.",
            whatToDo: "Find out what created it; S3 cannot hold such an object, so the copy is not a plain copy of the bucket."),
        "delivered_during_gap": .init(
            meaning: "The log was delivered inside a gap, when no digests were written. That is expected while validation is off, so it is a warning; it fails the run only with --strict.",
            whatToDo: "Treat its events as unproven. Review the gap's explanation. Use --strict when policy says every log must be provable."),
    ]

    static let objectReasons: [String: AuditorExplanation] = [
        "unreadable_folder": .init(
            meaning: "A folder under the copy cannot be opened or listed, so what it holds cannot be accounted for. The run fails.",
            causes: "Permissions, a damaged file system, or a folder replaced while the run went on.",
            whatToDo: "Make it readable to the user running the validator and run again."),
        "unexpected_object": .init(
            meaning: "A file in a CloudTrail tree that is neither a digest, a digest's sidecar nor in a log region folder. CloudTrail did not put it there. The run fails.",
            causes: "A file copied in by hand or by another tool, or planted.",
            whatToDo: "Find out who wrote it; remove it only when you know it is not evidence."),
        "unexpected_type": .init(
            meaning: "A named pipe, socket or device in a CloudTrail digest tree. It was never opened. The run fails.",
            causes: "Something other than a download made it.",
            whatToDo: "Find out what created it; S3 cannot hold such an object."),
        "orphan_sidecar": .init(
            meaning: "A .metadata.json sidecar with no digest file beside it: the signature it holds belongs to nothing on disk. The run fails.",
            causes: "Its digest was deleted after the download (the sidecar stayed), or the sidecar was planted or misnamed.",
            whatToDo: "Check whether the digest it names exists in S3; if it does, the copy lost it (download it again)."),
    ]

    static let notes: [String: AuditorExplanation] = [
        "stored_uncompressed": .init(
            meaning: "The file on disk is not gzip, but its bytes hash to exactly the value the digest recorded, so the contents are proven intact.",
            causes: "Some download paths undo the object's Content-Encoding: gzip (browsers, some sync tools).",
            whatToDo: "Nothing for integrity. Know that your download tool decompresses."),
    ]

    /// A gap: a stretch of hours with no digests.
    static let gap = AuditorExplanation(
        meaning: "A digest starts a new chain (its previous fields are null) and an older digest exists: between the two, no digests were written. Log files delivered then are covered by no digest and cannot be validated.",
        causes: "Log file validation was turned off and on again; logging was stopped and restarted; the trail was re-created.",
        whatToDo: "Read the explanation, and check that the calls it names were authorized. An explanation is what a log says, not a proof: check the verdict of the log file it names.")

    /// A gap no event in the logs around it explains.
    static let unexplainedGap = AuditorExplanation(
        meaning: "No StopLogging, DeleteTrail, UpdateTrail, StartLogging or CreateTrail event was found in the logs around the gap: its cause is not in this copy's logs. A warning; a failure with --strict.",
        causes: "The calls were made in another region (the trail's home region), the logs of that hour are missing, or the gap is the trace of something that left no record here.",
        whatToDo: "Look for the calls in the trail's home region and in other copies of the logs; find out who changed the trail then.")
}
