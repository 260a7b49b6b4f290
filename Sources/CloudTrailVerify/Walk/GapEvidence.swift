import Foundation

/// Explains a chain's gaps from log files this run proved, and only from those.
///
/// The events that explain a gap (`StopLogging`, `UpdateTrail`…) sit in log files an attacker
/// may have written. So an explanation cites only a log file listed by a digest this run found
/// valid, whose hash this run checked: the digests around the gap are read again (and must be the
/// bytes the walk verified), and each log they list near the gap is hashed again before it is
/// read for events. What other files in the folder claim is reported apart, as unproven claims.
struct GapEvidence {
    let chain: DigestChain
    let roots: BucketRoots
    let bucket: String
    let root: String
    /// The valid digests of the chain: their place in ``DigestChain/files`` and the first 64 bits of
    /// their SHA-256, 16 bytes each however long the chain.
    private var valid: [(index: Int32, sha: UInt64)] = []

    init(chain: DigestChain, roots: BucketRoots, bucket: String, root: String) {
        self.chain = chain
        self.roots = roots
        self.bucket = bucket
        self.root = root
    }

    /// Remembers a digest the walk judged, if it is valid.
    mutating func record(_ digest: ValidationReport.DigestEntry) {
        guard digest.status == .valid, digest.inferred != true, let sha = digest.sha256.flatMap(Self.prefix),
              let location = BucketValidator.location(ofURI: digest.s3URI), let index = chain.fileIndex(of: location) else { return }
        valid.append((Int32(index), sha))
    }

    private static func prefix(_ hex: String) -> UInt64? { UInt64(hex.prefix(16), radix: 16) }

    func explain(_ gap: ValidationReport.Gap, scope: FolderScope, trailName: String,
                 hasher pool: LogFileVerifier.HasherPool) -> ValidationReport.Gap {
        guard let start = CloudTrailTime.parse(gap.start), let end = CloudTrailTime.parse(gap.end) else { return gap }
        let from = start.addingTimeInterval(-GapExplainer.margin)
        let to = max(start, end).addingTimeInterval(GapExplainer.margin)
        // Digests that can list logs delivered in [from, to]: their key time is the end of their hour.
        let low = UInt64(CloudTrailTime.compact(from).filter(\.isASCIIDigit)) ?? 0
        let high = UInt64(CloudTrailTime.compact(to.addingTimeInterval(3600)).filter(\.isASCIIDigit)) ?? .max
        var provenPaths: [String] = []
        // Keyed by the path's bytes (see ``ByteWise``).
        var uris: [ObjectKey: String] = [:]
        for (index, sha) in valid {
            let file = chain.files[Int(index)]
            guard file.timestampCode >= low, file.timestampCode <= high else { continue }
            let location = S3Location(bucket: bucket, key: file.key)
            guard case .success(let path) = roots.path(for: location), case .success(let digest) = DigestChain.read(path),
                  Self.prefix(digest.sha256) == sha else { continue }
            for entry in digest.logFiles {
                let log = LogObjectKey(key: entry.location.key, accountID: scope.accountID, region: scope.region)
                guard let delivered = log.deliveryTime, delivered >= from.addingTimeInterval(-60), delivered <= to,
                      case .success(let logPath) = roots.path(for: entry.location) else { continue }
                let verdict = pool.withHasher { hasher in
                    LogFileVerifier.verify(location: entry.location, expected: Hex.lowercased(entry.expectedSHA256),
                                           roots: roots, hasher: hasher)
                }
                guard verdict.status == .valid, uris[ObjectKey(logPath)] == nil else { continue }
                provenPaths.append(logPath)
                uris[ObjectKey(logPath)] = entry.location.uri
            }
        }
        let others = LogFolderAccountant.logFiles(root: root, scope: scope, from: from, to: to).filter { uris[ObjectKey($0)] == nil }
        func uri(_ path: String) -> String {
            if let known = uris[ObjectKey(path)] { return known }
            if path.utf8.starts(with: (root + "/").utf8) {
                return S3Location(bucket: bucket, key: String(path.dropFirst(root.count + 1))).uri
            }
            return path
        }
        var explained = gap
        let proven = GapExplainer.search(logFiles: provenPaths.sorted { ByteWise.less($0, $1) },
                                         gapStart: start, gapEnd: end, trailName: trailName)
        explained.explanations = proven.explanations.map {
            var explanation = $0
            explanation.logFile = uri(explanation.logFile)
            return explanation
        }
        let unproven = GapExplainer.search(logFiles: others, gapStart: start, gapEnd: end, trailName: trailName)
        let claims = unproven.explanations.map {
            var claim = $0
            claim.logFile = uri(claim.logFile)
            return claim
        }
        explained.unprovenClaims = claims.isEmpty ? nil : claims
        let skipped = (proven.skipped + unproven.skipped).map { "\(uri($0.path)): \($0.reason)" }
        explained.unreadableLogs = skipped.isEmpty ? nil : skipped
        explained.explained = !(explained.explanations ?? []).isEmpty
        return explained
    }
}
