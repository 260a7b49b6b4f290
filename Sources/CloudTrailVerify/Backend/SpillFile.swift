#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// An anonymous scratch file for data that must not stay in memory.
///
/// The file is created in the temporary folder (`TMPDIR`) and unlinked at once,
/// so nothing is left behind when the process ends, however it ends; it is never
/// created inside the bucket copy.
internal final class SpillFile {
    private let descriptor: Int32
    /// Bytes written so far: where the next ``append(_:)`` lands.
    private(set) var size: Int64 = 0

    struct Failure: Error {
        var message: String
    }

    init() throws(Failure) {
        // `TMPDIR`, else `/tmp`.
        var folder = FileManager.default.temporaryDirectory.path
        while folder.count > 1 && folder.hasSuffix("/") { folder.removeLast() }
        var template = Array((folder + "/cloudtrail-verify-spill-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw Failure(message: "cannot create a scratch file in \(folder): \(String(cString: strerror(errno)))")
        }
        // Unlinked while open: the file lives exactly as long as this handle.
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Appends `bytes` at the end of the file.
    func append(_ bytes: UnsafeRawBufferPointer) throws(Failure) {
        var done = 0
        while done < bytes.count {
            let written = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(size) + off_t(done))
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure(message: "cannot write the scratch file: \(String(cString: strerror(errno)))")
            }
            done += written
        }
        size += Int64(bytes.count)
    }

    /// Fills `buffer` from `offset`, which must lie within what was written.
    func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(Failure) {
        var done = 0
        while done < buffer.count {
            let count = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(message: "cannot read the scratch file: \(String(cString: strerror(errno)))")
            }
            if count == 0 { throw Failure(message: "the scratch file is shorter than what was written to it") }
            done += count
        }
    }
}
