import Foundation

extension BucketValidator {
    /// Where a readable digest says ROOT sits, compared with where the bucket's root is.
    ///
    /// A digest names its own object key (`digestS3Object`). Compared byte for byte with the
    /// path the digest has below ROOT, it tells where the bucket's root is: the same key means
    /// ROOT is right; a path that is `X/` + the key means ROOT is a folder above the copy (by
    /// `X`, any depth, with or without an S3 prefix); a key that is `P` + the path means ROOT
    /// is the folder of key prefix `P` inside the copy.
    enum RootPlacement: Equatable, Sendable {
        case right
        /// The bucket's root is the folder `X` below ROOT.
        case above(String)
        /// ROOT holds the objects below the key prefix `P` (ending in `/`).
        case inside(String)
        /// The path and the key are unrelated (a digest moved or copied: a finding, not ROOT's fault).
        case unrelated

        init(path: String, digestS3Object key: String) {
            let path = Array(path.utf8), key = Array(key.utf8)
            if path == key {
                self = .right
            } else if path.count > key.count + 1, path.suffix(key.count).elementsEqual(key),
                      path[path.count - key.count - 1] == UInt8(ascii: "/") {
                self = .above(String(decoding: path.prefix(path.count - key.count - 1), as: UTF8.self))
            } else if key.count > path.count + 1, key.suffix(path.count).elementsEqual(path),
                      key[key.count - path.count - 1] == UInt8(ascii: "/") {
                self = .inside(String(decoding: key.prefix(key.count - path.count), as: UTF8.self))
            } else {
                self = .unrelated
            }
        }
    }

    /// How many digest-named files a search for the bucket's root reads at most, when ROOT holds
    /// no digest at a digest's key: enough to get past a few unreadable ones.
    static let placementCandidates = 16

    /// Stops the run (exit 2) when the digests under ROOT say that ROOT is not the bucket copy's
    /// root: a folder above it, or one inside it. A misplaced ROOT otherwise looks like tampering
    /// (every digest "moved", every log "injected") or like an empty copy.
    ///
    /// With chains found, one readable digest per chain is compared (the newest, else the oldest);
    /// the first that sits at its own key ends the check, so a well-placed ROOT costs one read.
    /// Only when every digest that says anything puts the root elsewhere is ROOT called misplaced:
    /// a single digest copied to another folder is a finding about that digest.
    /// With no chain found, ROOT is searched for files named like digests.
    static func checkRootPlacement(root: String, inventory: BucketInventory) throws(CloudTrailVerifyError) {
        var placements: [RootPlacement] = []
        func placement(ofFileAt path: String, relativePath: String) -> RootPlacement? {
            guard case .success(let digest) = DigestChain.read(path) else { return nil }
            return RootPlacement(path: relativePath, digestS3Object: digest.digestS3Object)
        }
        if inventory.chains.isEmpty {
            var candidates: [String] = []
            // An unreadable folder is the inventory's finding; here it only has no candidate to offer.
            DirectoryWalker.walk(inventory.root, skipFolder: { folder in
                // Log folders can hold millions of files and no digest.
                let name = folder.bytes.split(separator: UInt8(ascii: "/")).last.map { Array($0) } ?? []
                return name == Array("CloudTrail".utf8) || name == Array("CloudTrail-Insight".utf8)
            }, unreadable: { _ in }) { entry in
                guard let relative = entry.relativePath else { return }
                let name = relative.split(separator: "/").last ?? ""
                guard !entry.isSymbolicLink, entry.kind == .regular, candidates.count < placementCandidates,
                      name.hasSuffix(".json.gz"), name.contains("_CloudTrail-Digest_") else { return }
                candidates.append(relative)
            }
            for relative in candidates.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
                if let found = placement(ofFileAt: inventory.root + "/" + relative, relativePath: relative) {
                    placements.append(found)
                    break
                }
            }
        } else {
            for identity in inventory.chains.keys.sorted() {
                let summary = inventory.chains[identity]!
                for file in [summary.newest, summary.oldest] where !file.isSymbolicLink {
                    guard let found = placement(ofFileAt: inventory.path(of: file), relativePath: file.key) else { continue }
                    if found == .right { return }
                    placements.append(found)
                    break
                }
            }
        }
        let above = Set(placements.compactMap { if case .above(let folder) = $0 { return folder }; return nil })
        let inside = Set(placements.compactMap { if case .inside(let prefix) = $0 { return prefix }; return nil })
        if !above.isEmpty && inside.isEmpty {
            let folders = above.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.map { root + "/" + $0 }
            throw CloudTrailVerifyError(
                .misplacedRoot,
                folders.count == 1
                    ? "ROOT is a folder above the bucket copy: the digests' own digestS3Object puts the bucket's root at \(folders[0]); pass that folder as ROOT"
                    : "ROOT is a folder above several bucket copies (the digests' own digestS3Object puts their roots at \(folders.joined(separator: ", "))); pass one of them as ROOT and the others as bucket roots",
                path: root, option: folders.count == 1 ? .root : .bucketRoots)
        }
        if inside.count == 1, above.isEmpty, let prefix = inside.first {
            throw CloudTrailVerifyError(.misplacedRoot, insideMessage(root: root, prefix: prefix), path: root)
        }
        if !above.isEmpty || inside.count > 1 {
            throw CloudTrailVerifyError(
                .misplacedRoot, "the digests under ROOT disagree on where the bucket's root is (\((above.sorted() + inside.sorted()).joined(separator: ", "))); pass the bucket copy's root folder as ROOT",
                path: root)
        }
    }

    /// ROOT holds the objects of key prefix `prefix`: name the folder that holds the whole key,
    /// when ROOT's own path ends with the prefix's folders; else say the prefix is missing.
    static func insideMessage(root: String, prefix: String) -> String {
        let prefixParts = prefix.split(separator: "/").map(String.init)
        // ROOT as given (made absolute), then with its links resolved: either may end with the prefix's folders.
        let given = root.hasPrefix("/") ? root : FileManager.default.currentDirectoryPath + "/" + root
        for absolute in [(given as NSString).standardizingPath, BucketRoots.realPath(root)].compactMap({ $0 }) {
            let rootParts = absolute.split(separator: "/").map(String.init)
            if rootParts.count >= prefixParts.count,
               rootParts.suffix(prefixParts.count).elementsEqual(prefixParts, by: { $0.utf8.elementsEqual($1.utf8) }) {
                let folder = "/" + rootParts.dropLast(prefixParts.count).joined(separator: "/")
                return "ROOT is a folder inside the bucket copy (the digests' own digestS3Object begins with \(prefix)): pass \(folder) as ROOT"
            }
        }
        return "ROOT holds the objects below the key prefix \(prefix) without that prefix's folders (the digests' own digestS3Object begins with \(prefix)): move them to DIR/\(prefix) and pass DIR as ROOT"
    }
}
