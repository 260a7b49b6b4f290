/// Something the inventory found that is not CloudTrail's: reported, never passed over.
struct ObjectFinding: Sendable {
    /// The key below the root (bytes; shown percent-encoded when not printable).
    var key: ObjectKey
    /// The account and region folder it lies in, when it lies in one (for the filters and the checkpoint).
    var scope: FolderScope?
    var reason: ObjectReason
    var message: String
}
