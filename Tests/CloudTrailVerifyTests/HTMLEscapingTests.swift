import Testing
@testable import CloudTrailVerify

@Suite("HTMLEscaping")
struct HTMLEscapingTests {
    @Test("markup characters become character references")
    func escapesMarkup() {
        #expect(HTMLEscaping.escape("<a href=\"x\" title='y'>&amp;</a>")
                == "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;")
    }

    @Test("a key holding </script> or a comment cannot close anything")
    func scriptAndCommentAreInert() {
        let escaped = HTMLEscaping.escape("AWSLogs/</script><script>alert(1)</script><!-- -->")
        #expect(!escaped.contains("<"))
        #expect(!escaped.contains(">"))
        #expect(escaped.contains("&lt;/script&gt;"))
    }

    @Test("control characters HTML forbids stay visible as \\u{XX}; tab and newline are kept")
    func controlCharactersAreShown() {
        #expect(HTMLEscaping.escape("a\u{0}b\u{1B}c\u{7F}d\u{85}e") == "a\\u{0}b\\u{1B}c\\u{7F}d\\u{85}e")
        #expect(HTMLEscaping.escape("a\tb\nc") == "a\tb\nc")
        #expect(HTMLEscaping.escape("\u{FFFF}x") == "\\u{FFFF}x")
    }

    @Test("text outside the markup set passes unchanged, non-ASCII included")
    func plainTextUnchanged() {
        #expect(HTMLEscaping.escape("s3://bucket/AWSLogs/é 日本 %2e%2e") == "s3://bucket/AWSLogs/é 日本 %2e%2e")
    }

    @Test("HTML interpolation escapes strings and keeps fragments")
    func interpolationEscapes() {
        let hostile = "<img src=x onerror=alert(1)>"
        let inner: HTML = "<b>\(hostile)</b>"
        let outer: HTML = "<td>\(inner)\(42)</td>"
        #expect(outer.markup == "<td><b>&lt;img src=x onerror=alert(1)&gt;</b>42</td>")
        #expect(HTML(text: "\"'").markup == "&quot;&#39;")
    }
}
