/// The one escaping function every string of the HTML report goes through.
///
/// Everything that comes from the bucket (object keys, messages quoting digest fields, user ARNs from logs) is
/// hostile: after escaping, no character of it can open or close a tag, an attribute, an entity or a comment, in
/// text or in a quoted attribute, so an object key holding `</script>` or `"><img onerror=…>` shows as text.
enum HTMLEscaping {
    /// `text` made safe for element content and for double- or single-quoted attribute values.
    ///
    /// `& < > " '` become character references. Control characters that HTML forbids (C0 but tab, newline and
    /// carriage return; DEL; C1) and noncharacters are shown as `\u{XX}` so they stay visible to the reader
    /// instead of being dropped or reinterpreted by the browser.
    static func escape(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                if value < 0x20 || (0x7F...0x9F).contains(value) || (0xFDD0...0xFDEF).contains(value) || value & 0xFFFE == 0xFFFE {
                    out += "\\u{" + String(value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
