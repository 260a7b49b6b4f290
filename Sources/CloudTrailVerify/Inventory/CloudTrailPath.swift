/// Where an object key sits in CloudTrail's layout: `[prefix/]AWSLogs/[o-org/]ACCOUNT/KIND/REGION/…`.
///
/// Works on bytes: a key that is not UTF-8 is still placed (its CloudTrail segments are ASCII),
/// so a hostile name inside a CloudTrail tree is reported where it lies.
struct CloudTrailPath {
    enum Tree {
        /// `CloudTrail-Digest`.
        case digests
        /// `CloudTrail` or `CloudTrail-Insight`.
        case logs
        /// Outside every CloudTrail tree.
        case other
    }

    static let logKinds = ["CloudTrail", "CloudTrail-Insight"]
    static let digestKind = "CloudTrail-Digest"

    private(set) var tree: Tree = .other
    /// `CloudTrail`, `CloudTrail-Insight` or `CloudTrail-Digest`.
    private(set) var kind = ""
    /// The account and region (when the key reaches that deep).
    private(set) var scope: FolderScope?
    /// The key is the region folder itself.
    private(set) var isRegionFolder = false
    /// Segments after the region folder.
    private(set) var depthBelowRegion = 0

    init(_ key: ObjectKey) {
        let segments = key.bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        func text(_ index: Int) -> String? {
            guard index < segments.count else { return nil }
            return String(decoding: segments[index], as: UTF8.self)
        }
        func isKind(_ index: Int) -> Bool {
            guard let name = text(index) else { return false }
            return name == Self.digestKind || Self.logKinds.contains(name)
        }
        func isAccount(_ index: Int) -> Bool {
            guard index < segments.count else { return false }
            let segment = segments[index]
            return segment.count == 12 && segment.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        }
        // The last `AWSLogs` followed by an account (or an organization and an account) and a kind.
        var found: (anchor: Int, org: Int?, account: Int)?
        for index in segments.indices.reversed() where segments[index].elementsEqual("AWSLogs".utf8) {
            if isAccount(index + 1), isKind(index + 2) {
                found = (index, nil, index + 1)
                break
            }
            if let org = text(index + 1), org.hasPrefix("o-"), isAccount(index + 2), isKind(index + 3) {
                found = (index, index + 1, index + 2)
                break
            }
        }
        guard let found, let kind = text(found.account + 1) else { return }
        self.kind = kind
        tree = kind == Self.digestKind ? .digests : .logs
        let regionIndex = found.account + 2
        guard let region = text(regionIndex), ObjectKey(bytes: Array(segments[regionIndex])).string != nil else { return }
        var prefix: String?
        if found.anchor > 0 {
            // A prefix that is not UTF-8 cannot be a trail's: keep the tree, but no scope.
            guard let text = ObjectKey(bytes: Array(segments[..<found.anchor].joined(separator: [UInt8(ascii: "/")]))).string else { return }
            prefix = text
        }
        scope = FolderScope(prefix: prefix, organizationID: found.org.flatMap(text), accountID: text(found.account)!,
                            region: region)
        isRegionFolder = segments.count == regionIndex + 1
        depthBelowRegion = segments.count - regionIndex - 1
    }

    /// Whether `relative` is a log region folder (`…/ACCOUNT/CloudTrail/REGION`): the inventory leaves those
    /// for the accounting stage, which lists them once.
    static func isLogRegionFolder(_ relative: ObjectKey) -> Bool {
        // Cheap test first: the folder's parent must end in a log kind.
        let bytes = relative.bytes
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return false }
        let parentEnd = bytes[..<slash]
        guard parentEnd.last == UInt8(ascii: "l") || parentEnd.last == UInt8(ascii: "t") else { return false }
        let path = CloudTrailPath(relative)
        return path.tree == .logs && path.isRegionFolder
    }
}
