/// A piece of HTML markup whose interpolations are escaped by construction.
///
/// The literal parts of an `HTML` string literal are the report's own markup; every interpolated `String` goes
/// through ``HTMLEscaping/escape(_:)``, and only another `HTML` value is inserted as markup. So
/// `"<td>\(object.key)</td>" as HTML` cannot inject anything, and there is no way to interpolate a string
/// unescaped: building the page by unescaped interpolation does not compile.
struct HTML: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The markup.
    private(set) var markup: String

    init(stringLiteral value: StaticString) {
        markup = value.description
    }

    init(stringInterpolation: StringInterpolation) {
        markup = stringInterpolation.markup
    }

    /// Escaped text.
    init(text: String) {
        markup = HTMLEscaping.escape(text)
    }

    static let empty: HTML = ""

    var description: String { markup }

    static func + (lhs: HTML, rhs: HTML) -> HTML {
        var joined = lhs
        joined.markup += rhs.markup
        return joined
    }

    static func += (lhs: inout HTML, rhs: HTML) {
        lhs.markup += rhs.markup
    }

    /// Joins fragments with `separator` between them.
    static func join(_ parts: some Sequence<HTML>, separator: HTML = .empty) -> HTML {
        var out = HTML.empty
        var first = true
        for part in parts {
            if !first { out += separator }
            out += part
            first = false
        }
        return out
    }

    struct StringInterpolation: StringInterpolationProtocol {
        fileprivate var markup = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            markup.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        /// The literal segments: our own markup, written in the source.
        mutating func appendLiteral(_ literal: StaticString) {
            markup += literal.description
        }

        /// A string from anywhere: escaped.
        mutating func appendInterpolation(_ text: String) {
            markup += HTMLEscaping.escape(text)
        }

        mutating func appendInterpolation(_ number: Int) {
            markup += String(number)
        }

        /// Markup built the same way.
        mutating func appendInterpolation(_ html: HTML) {
            markup += html.markup
        }
    }
}
