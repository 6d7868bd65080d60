import EventContracts
import Testing

@testable import AuthService

@Suite struct UserValidationTests {
    @Test(arguments: ["abc", "a.b-c_d", "x1234567890", String(repeating: "z", count: 64)])
    func acceptsUsernames(_ name: String) throws {
        #expect(try UserValidation.username(name) == name)
    }

    @Test(arguments: ["ab", String(repeating: "z", count: 65), "Abc", "with space", "émile", "semi;colon", ""])
    func refusesUsernames(_ name: String) {
        #expect(throws: UserValidation.Violation.self) { try UserValidation.username(name) }
    }

    /// As the document's `maxLength` does: code points, so an accent written as a combining mark
    /// counts twice.
    @Test func passwordLengthCountsCodePoints() throws {
        #expect(try UserValidation.password("12345678") == "12345678")
        #expect(try UserValidation.password(String(repeating: "é", count: 128)).count == 128)
        #expect(throws: UserValidation.Violation.self) { try UserValidation.password(String(repeating: "e\u{301}", count: 65)) }
        #expect(throws: UserValidation.Violation.self) { try UserValidation.password("1234567") }
        #expect(throws: UserValidation.Violation.self) { try UserValidation.password(String(repeating: "p", count: 129)) }
    }

    @Test(arguments: ["a@example.com", "first.last+tag@sub.example.org", " padded@example.com "])
    func acceptsPlausibleEmails(_ email: String) throws {
        #expect(try UserValidation.email(email) == email.trimmingSpaces)
    }

    @Test(arguments: ["", "plain", "a@b", "@example.com", "a@@example.com", "a@.com", "a@example.", "a b@example.com"])
    func refusesImplausibleEmails(_ email: String) {
        #expect(throws: UserValidation.Violation.self) { try UserValidation.email(email) }
    }

    @Test func fullNameIsTrimmedAndBounded() throws {
        #expect(try UserValidation.fullName("  Ada  ") == "Ada")
        #expect(throws: UserValidation.Violation.self) { try UserValidation.fullName("   ") }
        #expect(throws: UserValidation.Violation.self) { try UserValidation.fullName(String(repeating: "n", count: 201)) }
        #expect(throws: UserValidation.Violation.self) { try UserValidation.fullName(String(repeating: "n\u{303}", count: 101)) }
    }

    @Test func capacityIsOneToFifty() throws {
        #expect(try UserValidation.capacity(1) == 1)
        #expect(try UserValidation.capacity(50) == 50)
        #expect(throws: UserValidation.Violation.self) { try UserValidation.capacity(0) }
        #expect(throws: UserValidation.Violation.self) { try UserValidation.capacity(51) }
    }
}
