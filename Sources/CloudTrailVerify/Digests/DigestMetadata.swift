import Foundation

/// Finds a digest's signature in what survived the download: extended attributes,
/// then a `<digest>.metadata.json` sidecar.
///
/// The third source, the next digest's `previousDigestSignature`, is the chain
/// walk's business (``DigestChain``).
///
/// Both sources are read without following a symbolic link in the last path component,
/// like every other file of the bucket copy: the digest's folder was already checked to lie
/// inside the copy (``BucketRoots``), and a sidecar that is a link, a named pipe, or anything
/// but a regular file within the size limit is refused before a byte of it is read.
///
/// A digest that is itself a symbolic link (``BucketRoots`` lets a link stay inside the copy)
/// has its metadata read at its own name: the sidecar beside the link, and the link's own
/// extended attributes (Linux gives a link none), never those of the file it leads to. S3
/// metadata belongs to an object's name, and a link in a copy is not something S3 made.
enum DigestMetadata {
    /// The signature from the file's own metadata, or `nil` when neither source has one.
    /// `problem` explains a sidecar that exists but could not be used (a link, a pipe, too
    /// large, malformed), or a digest that is a link whose target's attributes were not read.
    static func signature(forDigestAt path: String) -> (signature: DigestSignature?, problem: String?) {
        signature(path: path, attribute: { ExtendedAttributes.value(named: $0, path: path) },
                  sidecar: { RegularFile.read(path + ".metadata.json", limit: maximumSidecarSize, followingLinks: false) },
                  digestIsLink: { isSymbolicLink(path) })
    }

    /// The same, for a digest opened by name in its folder (``RegularFile/open(named:in:)``, so not a link): its
    /// attributes are read from the open file and its sidecar by name in the same folder. `path` is for messages.
    static func signature(ofOpened digest: RegularFile.Opened, named name: String, in folder: DirectoryHandle,
                          path: String) -> (signature: DigestSignature?, problem: String?) {
        signature(path: path, attribute: { digest.attribute(named: $0) },
                  sidecar: { RegularFile.read(named: name + ".metadata.json", in: folder, limit: maximumSidecarSize) },
                  digestIsLink: { false })
    }

    private static func signature(path: String, attribute: (String) -> String?,
                                  sidecar readSidecar: () -> Result<[UInt8], RegularFile.Problem>,
                                  digestIsLink: () -> Bool) -> (signature: DigestSignature?, problem: String?) {
        if let hex = attribute("user.signature") {
            let algorithm = attribute("user.signature-algorithm")
            let generated = attribute("user.backfill-generation-timestamp")
            return (DigestSignature(hex: hex.trimmingCharacters(in: .whitespacesAndNewlines),
                                    algorithm: algorithm?.trimmingCharacters(in: .whitespacesAndNewlines),
                                    source: .extendedAttribute,
                                    backfillGenerationTimestamp: generated?.trimmingCharacters(in: .whitespacesAndNewlines)), nil)
        }
        let sidecar = path + ".metadata.json"
        switch readSidecar() {
        case .failure(.notFound):
            return (nil, digestIsLink()
                ? "the digest is a symbolic link: the extended attributes of the file it leads to are not read, and there is no sidecar beside the link"
                : nil)
        case .failure(.tooLarge(let size)):
            return (nil, "sidecar \(sidecar): \(size) bytes, over the \(maximumSidecarSize)-byte limit")
        case .failure(let problem): return (nil, "sidecar \(sidecar): \(problem.message)")
        case .success(let bytes): return parseSidecar(bytes, path: sidecar)
        }
    }

    /// Whether the last component of `path` is a symbolic link (not followed).
    private static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    /// Sidecars are a few hundred bytes; anything much larger is not `head-object` output.
    static let maximumSidecarSize = 1024 * 1024

    /// Reads the signature out of `aws s3api head-object` output.
    static func parseSidecar(_ data: [UInt8], path sidecar: String) -> (signature: DigestSignature?, problem: String?) {
        guard let object = try? StrictJSON.parse(data), object.members != nil else {
            return (nil, "sidecar \(sidecar) is not a JSON object")
        }
        // `aws s3api head-object` output nests user metadata under "Metadata".
        let metadata = object["Metadata"] ?? object
        guard case .string(let hex)? = metadata["signature"] else {
            return (nil, "sidecar \(sidecar) has no Metadata.signature")
        }
        var algorithm: String?
        if case .string(let text)? = metadata["signature-algorithm"] { algorithm = text }
        var generated: String?
        if case .string(let text)? = metadata["backfill-generation-timestamp"] { generated = text }
        return (DigestSignature(hex: hex, algorithm: algorithm, source: .sidecar, backfillGenerationTimestamp: generated), nil)
    }
}
