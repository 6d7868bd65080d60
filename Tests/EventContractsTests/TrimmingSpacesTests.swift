import EventContracts
import Testing

@Suite struct TrimmingSpacesTests {
    /// Settings and bearer tokens lose the white space around them, and only that.
    @Test func trimsWhiteSpaceAroundAndNothingWithin() {
        #expect(" \t 30s \n".trimmingSpaces == "30s")
        #expect("Bearer  a.b.c\t".dropFirst("Bearer ".count).trimmingSpaces == "a.b.c")
        #expect("a b".trimmingSpaces == "a b")
        #expect("   ".trimmingSpaces == "")
        #expect("".trimmingSpaces == "")
        #expect("\u{00A0} é x\u{3000}\n".trimmingSpaces == "é x", "white space beyond ASCII is trimmed too")
        #expect(" naïve ".trimmingSpaces == "naïve")
    }
}

/// OpenAPI's lengths are JSON Schema's: code points, not the characters a reader sees.
@Suite struct SchemaLengthTests {
    @Test func countsCodePoints() {
        #expect("abc".schemaLength == 3)
        #expect("é".schemaLength == 1)
        #expect("e\u{301}".schemaLength == 2, "one character, two code points")
        #expect("👩‍💻".schemaLength == 3)
        #expect("".schemaLength == 0)
    }
}
