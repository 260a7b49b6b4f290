import Foundation

extension BucketValidator {
    /// Stops the run (exit 2) when no loaded key can check any digest of a region: keys of another
    /// region or another time were given. That is the user's mistake, not a finding about the bucket,
    /// and one INVALID line per digest would hide it. One digest whose key is unknown among digests
    /// that do match stays a finding (`unknown_fingerprint`).
    ///
    /// The digests in the time window are read newest first, and the first one a key can check ends
    /// the region's check: with the right keys that is one read per chain. Only when every key is
    /// wrong are all the region's digests in the window read. Backfill chains are left out: their
    /// keys are chosen by S3 metadata, and their standard chain says whether the keys fit.
    static func checkKeysMatch(_ chains: [ChainIdentity], inventory: BucketInventory, keys: PublicKeyStore,
                               window: TimeWindow) throws(CloudTrailVerifyError) {
        let byRegion = Dictionary(grouping: chains.filter { !$0.isBackfill }, by: \.region)
        for region in byRegion.keys.sorted() {
            var asked: [String] = []
            var read = 0
            var oldest: Date?
            func matches(_ file: BucketInventory.DigestOnDisk) -> Bool {
                guard !file.isSymbolicLink, case .success(let digest) = DigestChain.read(inventory.path(of: file)) else { return false }
                read += 1
                oldest = min(oldest ?? digest.digestEndTime, digest.digestEndTime)
                let fingerprint = digest.publicKeyFingerprint.lowercased()
                if case .found = keys.resolve(fingerprint: fingerprint, region: region, at: digest.digestEndTime) { return true }
                if !asked.contains(fingerprint) { asked.append(fingerprint) }
                return false
            }
            var matched = false
            // The newest digest of each chain first: with the right keys it answers at once.
            for identity in byRegion[region]!.sorted() {
                if let newest = inventory.chains[identity]?.newestAdmitted, matches(newest) {
                    matched = true
                    break
                }
            }
            if !matched {
                search: for identity in byRegion[region]!.sorted() {
                    let tried = inventory.chains[identity]?.newestAdmitted
                    for file in try inventory.files(of: identity).reversed()
                    where window.admits(keyTimestamp: file.timestampCode) && file != tried {
                        if matches(file) {
                            matched = true
                            break search
                        }
                    }
                }
            }
            guard !matched, !asked.isEmpty else { continue }
            throw CloudTrailVerifyError(.keysMatchNoDigest, keysMatchNoDigestMessage(region: region, asked: asked, read: read,
                                                                                    oldest: oldest, keys: keys),
                                        option: .publicKeys)
        }
    }

    /// One line: the region, the fingerprints its digests name, every key loaded with its file,
    /// region and validity window, and the command that fetches the right keys.
    static func keysMatchNoDigestMessage(region: String, asked: [String], read: Int, oldest: Date?, keys: PublicKeyStore) -> String {
        let shownAsked = asked.prefix(5).joined(separator: ", ") + (asked.count > 5 ? " and \(asked.count - 5) more" : "")
        let loaded = keys.keys.map { key in
            let window = key.validityStart == nil && key.validityEnd == nil ? "no validity window"
                : "valid \(key.validityStart.map(CloudTrailTime.display) ?? "-") to \(key.validityEnd.map(CloudTrailTime.display) ?? "-")"
            return "\(key.sourcePath) (\(key.region ?? "any region"): \(key.fingerprint), \(window))"
        }.joined(separator: "; ")
        // A fingerprint loaded for another region points at misnamed key files.
        let elsewhere = asked.compactMap { fingerprint -> String? in
            let regions = Set(keys.keys.filter { $0.answers(to: fingerprint) }.compactMap(\.region)).sorted()
            return regions.isEmpty ? nil : "\(fingerprint) is loaded for \(regions.joined(separator: ", "))"
        }
        let misnamed = elsewhere.isEmpty ? "" : " (\(elsewhere.joined(separator: "; ")): is each key file named after the region it was listed from?)"
        let startDay = oldest.map { String(CloudTrailTime.display($0).prefix(10)) } ?? "START"
        return "no public key loaded can check any digest of region \(region): its \(read) digest\(read == 1 ? "" : "s") in range name the key fingerprint\(asked.count == 1 ? "" : "s") \(shownAsked); keys loaded: \(loaded)\(misnamed). The keys are likely of another region or another time: run aws cloudtrail list-public-keys --region \(region) --start-time \(startDay)T00:00:00Z > keys/\(region).json"
    }
}
