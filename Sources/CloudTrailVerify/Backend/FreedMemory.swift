internal import CCloudTrailSystem

/// Returns freed memory to the system after a large document: memory must stay bounded by the bytes of one
/// document at a time, not by how many large documents were parsed on how many threads (glibc keeps freed
/// small blocks in per-thread arenas). Cheap next to parsing megabytes, so only done past ``threshold``.
enum FreedMemory {
    /// Documents smaller than this are left to the allocator.
    static let threshold = 4 << 20

    /// Call once a document of `size` bytes and its parse tree are let go.
    static func release(after size: Int) {
        guard size >= threshold else { return }
        ct_release_free_memory()
    }
}
