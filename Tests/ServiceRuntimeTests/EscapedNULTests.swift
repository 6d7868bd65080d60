import Foundation
import Hummingbird
import Testing

@testable import ServiceRuntime

@Suite struct EscapedNULTests {
    @Test(arguments: [
        (#"{"name": "a\u0000b"}"#, true),
        (#"{"name": "\u0000"}"#, true),
        (#"{"name": "a\\\u0000"}"#, true),  // an escaped backslash, then the escape
        (#"{"name": "a\\u0000"}"#, false),  // the six characters \u0000, not a NUL
        (#"{"name": "\u00001"}"#, true),
        (#"{"name": "\u0001"}"#, false),
        (#"{"name": "u0000"}"#, false),
    ])
    func findsOnlyRealNULEscapes(json: String, expected: Bool) {
        #expect(Request.containsEscapedNUL(Data(json.utf8)) == expected)
    }
}
