import Foundation

/// An S3 object key (or a path below a bucket copy) as the bytes it is made of.
///
/// S3 keys are byte strings. Swift's `String` compares and hashes by Unicode canonical
/// equivalence, so two different keys (`é` precomposed, and `e` + U+0301) are "equal"
/// strings: a forged file could hide behind a real one in a `Set<String>`. Every set,
/// dictionary, sort and comparison of object names goes through bytes instead: this type,
/// or the byte-wise helpers below for the `String`s that come from JSON.
///
/// A name that is not valid UTF-8 is still an object: ``display`` percent-encodes it so it can
/// be reported, and ``string`` is `nil` (such a name is never a CloudTrail key, so it is never opened).
struct ObjectKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    var bytes: [UInt8]

    init(bytes: [UInt8]) { self.bytes = bytes }
    init(_ string: String) { bytes = Array(string.utf8) }

    /// The bytes as one block (and their count, so that concatenations cannot collide): `[UInt8]`'s own hash feeds
    /// the hasher one byte at a time, and a key is hashed for every log the walk opens.
    func hash(into hasher: inout Hasher) {
        hasher.combine(bytes.count)
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
    init<S: Sequence>(_ bytes: S) where S.Element == UInt8 { self.bytes = Array(bytes) }

    /// The key as text, when its bytes are valid UTF-8 (the text then holds exactly these bytes).
    var string: String? {
        // Validated in one pass by the standard library (no scalar-by-scalar append): this runs for every
        // entry the walkers list, about a tenth of a small log's cost when done scalar by scalar.
        String(validating: bytes, as: UTF8.self)
    }

    /// The key for people: a printable UTF-8 key as it is; otherwise bytes that are not valid
    /// UTF-8, control characters and `%` itself are percent-encoded (see ``isPrintable``).
    var display: String {
        if let text = string, Self.isPrintable(text) { return text }
        return Self.display(bytes)
    }

    /// Valid UTF-8 without control characters: shown as it is.
    var isPrintable: Bool { string.map(Self.isPrintable) ?? false }

    private static func isPrintable(_ text: String) -> Bool {
        !text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }

    var description: String { display }

    static func display<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var output = ""
        // Decoding keeps no count of the bytes of an invalid sequence, so re-scan byte by byte on error.
        var pending: [UInt8] = []
        var index = bytes.startIndex
        func percent(_ byte: UInt8) { output += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2) }
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte < 0x80 {
                if byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "%") { percent(byte) } else { output.unicodeScalars.append(Unicode.Scalar(byte)) }
                index = bytes.index(after: index)
                continue
            }
            // The length of the sequence this lead byte starts, then check it decodes as one scalar.
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            pending.removeAll(keepingCapacity: true)
            var probe = index
            while pending.count < length, probe != bytes.endIndex {
                pending.append(bytes[probe])
                probe = bytes.index(after: probe)
            }
            var one = pending.makeIterator()
            var decoder = UTF8()
            if pending.count == length, case .scalarValue(let scalar) = decoder.decode(&one), one.next() == nil,
               scalar.value >= 0x80, !(0x80...0x9F).contains(scalar.value) {
                output.unicodeScalars.append(scalar)
                index = probe
            } else {
                percent(byte)
                index = bytes.index(after: index)
            }
        }
        return output
    }

    static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        ByteWise.precedes(lhs.bytes, rhs.bytes)
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

/// Byte-wise comparison and hashing of the `String`s that hold object names.
enum ByteWise {
    static func equal(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        // Native strings hold their UTF-8 contiguously: compared with one memcmp (this runs for every lookup).
        let same = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right in equal(left, right) }
        }
        if let same = same ?? nil { return same }
        // A small string (up to 15 bytes) is kept inside the value: `withUTF8` lends its bytes from a copy on the
        // stack, still one memcmp and no allocation (JSON member names are small strings).
        var left = lhs
        var right = rhs
        return left.withUTF8 { leftBytes in right.withUTF8 { rightBytes in equal(leftBytes, rightBytes) } }
    }

    static func equal(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        guard let left = lhs.baseAddress, let right = rhs.baseAddress else { return true }
        return memcmp(left, right, lhs.count) == 0
    }

    /// `lhs.lexicographicallyPrecedes(rhs)`, with memcmp.
    static func precedes(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        lhs.withUnsafeBufferPointer { left in
            rhs.withUnsafeBufferPointer { right in
                let common = min(left.count, right.count)
                if common > 0 {
                    let order = memcmp(left.baseAddress!, right.baseAddress!, common)
                    if order != 0 { return order < 0 }
                }
                return left.count < right.count
            }
        }
    }

    static func equal(_ lhs: String?, _ rhs: String?) -> Bool {
        switch (lhs, rhs) {
        case (nil, nil): return true
        case let (l?, r?): return equal(l, r)
        default: return false
        }
    }

    static func less(_ lhs: String, _ rhs: String) -> Bool { lhs.utf8.lexicographicallyPrecedes(rhs.utf8) }

    /// Feeds the bytes of `text` (and its length, so that concatenations cannot collide) to `hasher`.
    static func hash(_ text: String, into hasher: inout Hasher) {
        hasher.combine(text.utf8.count)
        // One block of bytes: `withUTF8` gives a small string's bytes from a copy on the stack, and a bridged one's
        // after making it native, so every string is hashed the same way, never byte by byte.
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    static func hash(_ text: String?, into hasher: inout Hasher) {
        if let text { hash(text, into: &hasher) } else { hasher.combine(-1) }
    }
}
