/// Streaming gunzip of exactly one gzip member, through the inflater chosen when the package was built.
///
/// - By default: zlib (``ZlibInflater``).
/// - With the `ISAL` package trait (`swift build --traits ISAL`, needs `libisal-dev`): ISA-L's igzip
///   (``ISALInflater``), about 1.3× zlib's speed per CPU second on CloudTrail logs. zlib is still compiled in.
///
/// Both backends take the same input in the same pieces and give the same output bytes and the same ``Progress``
/// for every stream zlib accepts, including `unusedInput` after the member's trailer. A stream that igzip
/// rejects (corrupt, or ending early) is handed to zlib again from its first byte by the callers that hold the
/// whole input (``LogFileHasher``, ``inflate(_:limit:backend:)``), so their outcome and message are zlib's:
/// igzip words its errors differently and notices some errors before zlib would ask for more input. See
/// docs/performance.md ("The ISA-L build") for the one kind of stream igzip accepts and zlib does not.
internal final class GzipInflater {
    /// Which library inflates.
    enum Backend: String, Sendable, CaseIterable {
        /// zlib: the default, and the reference the other backend is held to.
        case zlib
        #if CLOUDTRAIL_ISAL
        /// ISA-L's igzip (the `ISAL` package trait).
        case isal
        #endif
    }

    /// The backend of this build: igzip with the `ISAL` trait, zlib otherwise.
    static var defaultBackend: Backend {
        #if CLOUDTRAIL_ISAL
        return .isal
        #else
        return .zlib
        #endif
    }

    /// Why inflation stopped with an error.
    struct Failure: Error, Equatable {
        var message: String
    }

    /// What one call to ``inflate(_:into:consume:)`` ended with.
    enum Progress: Equatable {
        /// All input was used; the member has not ended yet.
        case needsInput
        /// The gzip member ended; `unusedInput` bytes of this call's input follow it.
        case finished(unusedInput: Int)
        /// `consume` asked to stop.
        case stopped
    }

    let backend: Backend
    private let engine: Engine

    /// One class per library; an enum rather than a protocol, so a call is a switch, not a witness-table call.
    private enum Engine {
        case zlib(ZlibInflater)
        #if CLOUDTRAIL_ISAL
        case isal(ISALInflater)
        #endif
    }

    init(backend: Backend = GzipInflater.defaultBackend) throws(Failure) {
        self.backend = backend
        switch backend {
        case .zlib: engine = .zlib(try ZlibInflater())
        #if CLOUDTRAIL_ISAL
        case .isal: engine = .isal(try ISALInflater())
        #endif
        }
    }

    /// Makes the inflater ready for a new gzip member, keeping its memory: a bucket of many small logs
    /// would otherwise allocate (and, for igzip, set up 87 KB of) inflater state once per file.
    func reset() throws(Failure) {
        switch engine {
        case .zlib(let inflater): try inflater.reset()
        #if CLOUDTRAIL_ISAL
        case .isal(let inflater): inflater.reset()
        #endif
        }
    }

    /// Feeds `input`, handing every piece of inflated output to `consume`.
    ///
    /// `output` is scratch space owned by the caller, reused for each piece;
    /// `consume` returns `false` to stop early (a size limit was hit).
    func inflate(
        _ input: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer,
        consume: (UnsafeRawBufferPointer) -> Bool
    ) throws(Failure) -> Progress {
        switch engine {
        case .zlib(let inflater): return try inflater.inflate(input, into: output, consume: consume)
        #if CLOUDTRAIL_ISAL
        case .isal(let inflater): return try inflater.inflate(input, into: output, consume: consume)
        #endif
        }
    }
}
