import TasksAPI
import Testing

@testable import ServiceRuntime
@testable import TasksService

/// A comment or a reason longer than the document allows is refused, counted as the document
/// counts (code points) on the text as sent — the schema fuzzer found a 4,001-code-point comment
/// accepted because it was 4,000 characters.
@Suite struct TaskRoutesTests {
    @Test func aMessageIsBoundedByItsCodePoints() throws {
        #expect(try TaskRoutes.message("  looks fine \n") == "looks fine")
        #expect(try TaskRoutes.message(String(repeating: "*", count: 4_000)).count == 4_000)
        let combining = String(repeating: "*", count: 3_998) + "e\u{301}"  // 3,999 characters, 4,000 code points
        #expect(try TaskRoutes.message(combining) == combining)
        for refused in [combining + "*", String(repeating: "*", count: 4_000) + " ", "   "] {
            #expect { try TaskRoutes.message(refused) } throws: { ($0 as? APIError)?.details["field"] == "message" }
        }
    }

    @Test func aReasonIsBoundedByItsCodePoints() throws {
        #expect(try TaskRoutes.reason(Documented.Reason(reason: " busy ")) == "busy")
        #expect(try TaskRoutes.reason(Documented.Reason(reason: "  ")) == nil)
        #expect(try TaskRoutes.reason(nil) == nil)
        let tooLong = String(repeating: "a\u{308}", count: 501)  // 501 characters, 1,002 code points
        #expect { try TaskRoutes.reason(Documented.Reason(reason: tooLong)) } throws: { ($0 as? APIError)?.details["field"] == "reason" }
    }
}
