/// A small, strict JSON parser for input an attacker may have written.
///
/// Unlike `JSONSerialization` it refuses what a real CloudTrail file never holds and
/// what could make two readers disagree: duplicate keys, invalid UTF-8, lone
/// surrogates, nesting deeper than ``maximumDepth``; and it never recurses
/// deeper than that, so a 100,000-level document cannot exhaust the stack.
///
/// Memory is bounded by ``maximumValueCount`` as well as by the input's size: each value of
/// the tree costs tens of bytes whatever it looks like in the input, so a few megabytes of
/// `[0,0,0,…]` would otherwise cost gigabytes.
enum StrictJSON {
    /// Not `indirect`: arrays and objects already hold their elements out of line, and boxing every
    /// scalar too would double what a value costs.
    enum Value: Equatable, Sendable {
        case null
        case bool(Bool)
        /// The number as written; callers that want numbers convert it.
        case number(String)
        case string(String)
        case array([Value])
        /// Members in document order; keys are unique.
        case object([(String, Value)])

        static func == (lhs: Value, rhs: Value) -> Bool {
            switch (lhs, rhs) {
            case (.null, .null): return true
            case let (.bool(a), .bool(b)): return a == b
            case let (.number(a), .number(b)): return a == b
            case let (.string(a), .string(b)): return a == b
            case let (.array(a), .array(b)): return a == b
            case let (.object(a), .object(b)):
                return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
            default: return false
            }
        }

        subscript(key: String) -> Value? {
            guard case .object(let members) = self else { return nil }
            return members.first { $0.0 == key }?.1
        }

        var members: [(String, Value)]? {
            if case .object(let members) = self { return members }
            return nil
        }
    }

    struct ParseError: Error, Equatable, CustomStringConvertible {
        var message: String
        var offset: Int
        /// Whether the document broke one of the reader's limits (depth, value count) rather than JSON's grammar.
        var exceedsLimit = false
        var description: String { "\(message) at byte \(offset)" }
    }

    /// Deeper than any CloudTrail file (digests nest three levels).
    static let maximumDepth = 64

    /// The most values one document may hold, counting every scalar, array, object and
    /// object member name. A value in the tree costs about 40 bytes, and a string longer than
    /// 15 bytes about 50 more plus its text, so this keeps a parse under about 50 MB plus the text
    /// of its strings (which the input's size bounds). A digest spends about 14 values per log
    /// file it lists, so this allows some 35,000 log files in one hour, far more than CloudTrail
    /// writes; key, trail and checkpoint files hold a few thousand at most.
    static let maximumValueCount = 500_000

    static func parse(_ bytes: [UInt8], maximumValueCount: Int = StrictJSON.maximumValueCount) throws(ParseError) -> Value {
        var parser = Parser(bytes: bytes, maximumValueCount: maximumValueCount)
        let value = try parser.parseDocument()
        return value
    }

    /// Parses a document whose top level is an object, keeping of the array held by its member
    /// `member` only the elements `keep` accepts; every other part is parsed (and checked) as usual.
    ///
    /// Each element is handed to `keep` as soon as it is complete, and a refused one is let go at
    /// once, so ``maximumValueCount`` bounds the values kept (plus the element being read), not
    /// the values in the file: a large CloudTrail log costs the memory of its largest record.
    static func parse(_ bytes: [UInt8], maximumValueCount: Int = StrictJSON.maximumValueCount,
                      keepingElementsOf member: String, where keep: (Value) -> Bool) throws(ParseError) -> Value {
        try withoutActuallyEscaping(keep) { (keep) throws(ParseError) -> Value in
            var parser = Parser(bytes: bytes, maximumValueCount: maximumValueCount)
            return try parser.parseDocument(filter: (member, keep))
        }
    }

    fileprivate struct Parser {
        let bytes: [UInt8]
        var index = 0
        let maximumValueCount: Int
        /// Values in the tree so far (less those of refused elements).
        var valueCount = 0
        /// Where a string with escapes is put together, reused for every such string: CloudTrail writes every
        /// `/` in an object key as `\/`, so most of a digest's strings have escapes.
        var scratch: [UInt8] = []

        init(bytes: [UInt8], maximumValueCount: Int) {
            self.bytes = bytes
            self.maximumValueCount = maximumValueCount
        }

        func fail(_ message: String) -> ParseError { ParseError(message: message, offset: index) }

        func tooDeep() -> ParseError {
            ParseError(message: "nested deeper than \(StrictJSON.maximumDepth) levels", offset: index, exceedsLimit: true)
        }

        /// Counts one more value (or member name), refusing the document past the limit.
        mutating func countValue() throws(ParseError) {
            valueCount += 1
            guard valueCount <= maximumValueCount else {
                throw ParseError(message: "more than \(maximumValueCount) values", offset: index, exceedsLimit: true)
            }
        }

        mutating func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0a || bytes[index] == 0x0d || bytes[index] == 0x09 {
                index += 1
            }
        }

        /// A container being built. A class, so appending to the innermost one never copies it
        /// (an enum payload taken off the stack and put back would be copied each time: quadratic).
        final class Frame {
            let isObject: Bool
            var items: [Value] = []
            var members: [(String, Value)] = []
            /// The member names, once the object has more than ``linearKeys`` of them.
            var keys: Set<String> = []
            var pendingKey: String?
            /// Whether this is the filtered array: its elements are offered to `keep`.
            var isFiltered = false
            /// ``valueCount`` before the element being read, to give back when it is refused.
            var elementStart = 0

            init(isObject: Bool, pendingKey: String? = nil) {
                self.isObject = isObject
                self.pendingKey = pendingKey
            }

            /// Up to this many members, a new name is compared with each (as `String`, like the set):
            /// cheaper than hashing for the small objects digests are made of.
            static let linearKeys = 16

            /// Whether `key` is not yet a member name (it then counts as one).
            func insertKey(_ key: String) -> Bool {
                if members.count < Self.linearKeys { return !members.contains { $0.0 == key } }
                if keys.isEmpty { keys = Set(members.map(\.0)) }
                return keys.insert(key).inserted
            }
        }

        mutating func parseDocument(filter: (member: String, keep: (Value) -> Bool)? = nil) throws(ParseError) -> Value {
            // Containers being built, innermost last: an explicit stack instead of recursion.
            var stack: [Frame] = []
            var result: Value?
            skipSpace()
            while true {
                // Parse one value (scalar, or the opening of a container).
                var value: Value?
                guard index < bytes.count else { throw fail("unexpected end of input") }
                try countValue()
                switch bytes[index] {
                case UInt8(ascii: "{"):
                    index += 1
                    guard stack.count < StrictJSON.maximumDepth else { throw tooDeep() }
                    skipSpace()
                    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                        index += 1
                        value = .object([])
                    } else {
                        let key = try parseKey()
                        stack.append(Frame(isObject: true, pendingKey: key))
                        skipSpace()
                        continue
                    }
                case UInt8(ascii: "["):
                    index += 1
                    guard stack.count < StrictJSON.maximumDepth else { throw tooDeep() }
                    skipSpace()
                    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                        index += 1
                        value = .array([])
                    } else {
                        let frame = Frame(isObject: false)
                        if let filter, stack.count == 1, stack[0].isObject, stack[0].pendingKey == filter.member {
                            frame.isFiltered = true
                            frame.elementStart = valueCount
                        }
                        stack.append(frame)
                        continue
                    }
                case UInt8(ascii: "\""):
                    value = .string(try parseString())
                case UInt8(ascii: "t"):
                    try expectLiteral("true"); value = .bool(true)
                case UInt8(ascii: "f"):
                    try expectLiteral("false"); value = .bool(false)
                case UInt8(ascii: "n"):
                    try expectLiteral("null"); value = .null
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    value = .number(try parseNumber())
                default:
                    throw fail("unexpected character")
                }

                // Attach the finished value to its container; close containers as they end.
                while let finished = value {
                    value = nil
                    guard let frame = stack.last else {
                        result = finished
                        break
                    }
                    skipSpace()
                    if !frame.isObject {
                        if !frame.isFiltered || filter?.keep(finished) == true {
                            frame.items.append(finished)
                        } else {
                            valueCount = frame.elementStart
                        }
                        guard index < bytes.count else { throw fail("unexpected end of input in an array") }
                        if bytes[index] == UInt8(ascii: ",") {
                            index += 1
                            frame.elementStart = valueCount
                        } else if bytes[index] == UInt8(ascii: "]") {
                            index += 1
                            stack.removeLast()
                            value = .array(frame.items)
                        } else {
                            throw fail("expected , or ] in an array")
                        }
                    } else {
                        let key = frame.pendingKey!
                        guard frame.insertKey(key) else { throw fail("duplicate key \"\(key)\"") }
                        frame.members.append((key, finished))
                        guard index < bytes.count else { throw fail("unexpected end of input in an object") }
                        if bytes[index] == UInt8(ascii: ",") {
                            index += 1
                            skipSpace()
                            frame.pendingKey = try parseKey()
                        } else if bytes[index] == UInt8(ascii: "}") {
                            index += 1
                            stack.removeLast()
                            value = .object(frame.members)
                        } else {
                            throw fail("expected , or } in an object")
                        }
                    }
                }
                if let result {
                    skipSpace()
                    guard index == bytes.count else { throw fail("data after the end of the JSON value") }
                    return result
                }
                skipSpace()
            }
        }

        /// `"key"` followed by `:`.
        mutating func parseKey() throws(ParseError) -> String {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            try countValue()
            let key = try parseString()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected : after a key") }
            index += 1
            skipSpace()
            return key
        }

        mutating func expectLiteral(_ literal: StaticString) throws(ParseError) {
            let text = literal.withUTF8Buffer { Array($0) }
            guard index + text.count <= bytes.count, Array(bytes[index..<index + text.count]) == text else {
                throw fail("unexpected character")
            }
            index += text.count
        }

        mutating func parseNumber() throws(ParseError) -> String {
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            func digits() -> Int {
                let from = index
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
                return index - from
            }
            guard index < bytes.count else { throw fail("bad number") }
            if bytes[index] == UInt8(ascii: "0") { index += 1 } else if digits() == 0 { throw fail("bad number") }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { throw fail("bad number") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { throw fail("bad number") }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func parseString() throws(ParseError) -> String {
            index += 1  // opening quote
            // Runs of plain bytes are copied whole; `scratch` is needed only once an escape is met.
            var escaped = false
            var allASCII = true
            while true {
                let runStart = index
                let (runEnd, isASCII) = plainRun(from: index)
                index = runEnd
                guard index < bytes.count else { throw fail("unterminated string") }
                let byte = bytes[index]
                if byte == UInt8(ascii: "\""), !escaped {
                    index += 1
                    // No escape: made straight from the input. ASCII is valid UTF-8 as it is; the rest is validated.
                    let text = isASCII
                        ? bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[runStart..<runEnd]), as: UTF8.self) }
                        : String(validating: bytes[runStart..<runEnd], as: UTF8.self)
                    guard let text else { throw fail("invalid UTF-8 in a string") }
                    return text
                }
                if !escaped {
                    escaped = true
                    scratch.removeAll(keepingCapacity: true)
                }
                allASCII = allASCII && isASCII
                bytes.withUnsafeBufferPointer { scratch.append(contentsOf: UnsafeBufferPointer(rebasing: $0[runStart..<runEnd])) }
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    // Validates the raw UTF-8 that was copied through (ASCII, and what escapes made, needs none).
                    let text = scratch.withUnsafeBufferPointer { buffer in
                        allASCII ? String(decoding: buffer, as: UTF8.self) : String(validating: buffer, as: UTF8.self)
                    }
                    guard let text else { throw fail("invalid UTF-8 in a string") }
                    return text
                case UInt8(ascii: "\\"):
                    index += 1
                    guard index < bytes.count else { throw fail("unterminated escape") }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""): scratch.append(0x22)
                    case UInt8(ascii: "\\"): scratch.append(0x5c)
                    case UInt8(ascii: "/"): scratch.append(0x2f)
                    case UInt8(ascii: "b"): scratch.append(0x08)
                    case UInt8(ascii: "f"): scratch.append(0x0c)
                    case UInt8(ascii: "n"): scratch.append(0x0a)
                    case UInt8(ascii: "r"): scratch.append(0x0d)
                    case UInt8(ascii: "t"): scratch.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800...0xDBFF).contains(scalar) {
                            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                                throw fail("lone surrogate")
                            }
                            index += 2
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw fail("lone surrogate") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(scalar) {
                            throw fail("lone surrogate")
                        }
                        scratch.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
                    default:
                        throw fail("bad escape")
                    }
                default:
                    // A control character: `plainRun` stops only at a quote, a backslash or one of those.
                    throw fail("control character in a string")
                }
            }
        }

        /// The end of the run of bytes from `start` that need no escape handling (up to a quote, a backslash,
        /// a control character or the end), and whether they are all ASCII.
        func plainRun(from start: Int) -> (end: Int, isASCII: Bool) {
            bytes.withUnsafeBufferPointer { buffer in
                var end = start
                var isASCII = true
                while end < buffer.count {
                    let byte = buffer[end]
                    if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
                    if byte >= 0x80 { isASCII = false }
                    end += 1
                }
                return (end, isASCII)
            }
        }

        mutating func hex4() throws(ParseError) -> UInt32 {
            guard index + 4 <= bytes.count else { throw fail("bad \\u escape") }
            var value: UInt32 = 0
            for byte in bytes[index..<index + 4] {
                let digit: UInt32
                switch byte {
                case 0x30...0x39: digit = UInt32(byte - 0x30)
                case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
                case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
                default: throw fail("bad \\u escape")
                }
                value = value << 4 | digit
            }
            index += 4
            return value
        }
    }
}

extension StrictJSON {
    /// The string values at a few places of a document whose top level is an object, and nothing else of it:
    /// the members named in `top`, and the members named in `inner` of each object in the array held by the
    /// top-level member `array` (`nil` when there is no such array). A place holding anything but a string
    /// gives `nil`.
    ///
    /// It builds no tree, and checks only as much of the grammar as finding those places needs, so it reads
    /// some documents ``parse(_:maximumValueCount:)`` refuses. For a document `parse` accepts, each string it
    /// gives is the one `parse` gives at that place: the names and strings are decoded by the same code.
    /// Nesting is bounded by ``maximumDepth`` as in `parse`.
    static func scanStrings(_ bytes: [UInt8], top: [String], array: String,
                            inner: [String]) throws(ParseError) -> (top: [String?], elements: [[String?]]?) {
        var parser = Parser(bytes: bytes, maximumValueCount: maximumValueCount)
        return try parser.scanStrings(top: top, array: array, inner: inner)
    }
}

extension StrictJSON.Parser {
    mutating func scanStrings(top: [String], array: String,
                              inner: [String]) throws(StrictJSON.ParseError) -> (top: [String?], elements: [[String?]]?) {
        var topValues = [String?](repeating: nil, count: top.count)
        var elements: [[String?]]?
        try scanObject { (parser, key) throws(StrictJSON.ParseError) in
            if let slot = top.firstIndex(where: { ByteWise.equal($0, key) }), parser.next == UInt8(ascii: "\"") {
                topValues[slot] = try parser.parseString()
            } else if ByteWise.equal(key, array), parser.next == UInt8(ascii: "[") {
                elements = try parser.scanArrayOfObjects(inner: inner)
            } else {
                try parser.skipValue()
            }
        }
        return (topValues, elements)
    }

    /// The byte at the read position, or 0 at the end.
    var next: UInt8 { index < bytes.count ? bytes[index] : 0 }

    /// Reads an object's members, handing each name to `member`, which must read (or skip) its value.
    mutating func scanObject(_ member: (inout Self, String) throws(StrictJSON.ParseError) -> Void) throws(StrictJSON.ParseError) {
        skipSpace()
        guard next == UInt8(ascii: "{") else { throw fail("expected an object") }
        index += 1
        skipSpace()
        if next == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipSpace()
            guard next == UInt8(ascii: "\"") else { throw fail("expected a member name") }
            let key = try parseString()
            skipSpace()
            guard next == UInt8(ascii: ":") else { throw fail("expected ':'") }
            index += 1
            skipSpace()
            try member(&self, key)
            skipSpace()
            switch next {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return
            default: throw fail("expected ',' or '}'")
            }
        }
    }

    /// Reads an array; of each element that is an object, the string values of the members named in `inner`.
    mutating func scanArrayOfObjects(inner: [String]) throws(StrictJSON.ParseError) -> [[String?]] {
        index += 1  // [
        var elements: [[String?]] = []
        skipSpace()
        if next == UInt8(ascii: "]") {
            index += 1
            return elements
        }
        while true {
            skipSpace()
            var values = [String?](repeating: nil, count: inner.count)
            if next == UInt8(ascii: "{") {
                try scanObject { (parser, key) throws(StrictJSON.ParseError) in
                    if let slot = inner.firstIndex(where: { ByteWise.equal($0, key) }), parser.next == UInt8(ascii: "\"") {
                        values[slot] = try parser.parseString()
                    } else {
                        try parser.skipValue()
                    }
                }
            } else {
                try skipValue()
            }
            elements.append(values)
            skipSpace()
            switch next {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return elements
            default: throw fail("expected ',' or ']'")
            }
        }
    }

    /// Passes over one value without reading it.
    mutating func skipValue() throws(StrictJSON.ParseError) {
        skipSpace()
        let first = next
        if first == UInt8(ascii: "\"") {
            try skipString()
            return
        }
        guard first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else {
            // A number or a literal: up to the next delimiter.
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")
                    || byte == 0x20 || byte == 0x0a || byte == 0x0d || byte == 0x09 { break }
                index += 1
            }
            guard index > start else { throw fail("expected a value") }
            return
        }
        var depth = 0
        while true {
            guard index < bytes.count else { throw fail("unterminated value") }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                try skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                guard depth <= StrictJSON.maximumDepth else { throw tooDeep() }
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                index += 1
                if depth == 0 { return }
            default:
                index += 1
            }
        }
    }

    /// Passes over a string (at its opening quote) without decoding it.
    mutating func skipString() throws(StrictJSON.ParseError) {
        index += 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                return
            case UInt8(ascii: "\\"): index += 2
            default: index += 1
            }
        }
        throw fail("unterminated string")
    }
}
