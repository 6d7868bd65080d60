import EventContracts

/// The rules for account fields (issue: auth). Pure: the HTTP layer turns a violation into a 422
/// naming the field.
enum UserValidation {
    struct Violation: Error, Equatable {
        let field: String
        let message: String
    }

    static let usernameLength = 3...64
    static let passwordLength = 8...128
    static let fullNameMaximum = 200
    static let capacityRange = 1...50

    static func username(_ value: String) throws(Violation) -> String {
        guard usernameLength.contains(value.schemaLength) else {
            throw Violation(field: "username", message: "username must be 3–64 characters")
        }
        guard value.unicodeScalars.allSatisfy({ "abcdefghijklmnopqrstuvwxyz0123456789._-".unicodeScalars.contains($0) }) else {
            throw Violation(field: "username", message: "username may contain only a–z, 0–9, '.', '_' and '-'")
        }
        return value
    }

    /// Length counts code points, as the document does; any characters are allowed. Longer than bcrypt's 72 bytes is
    /// fine: the hasher digests the password first (see ``PasswordHasher``).
    static func password(_ value: String) throws(Violation) -> String {
        guard passwordLength.contains(value.schemaLength) else {
            throw Violation(field: "password", message: "password must be 8–128 characters")
        }
        return value
    }

    static func fullName(_ value: String) throws(Violation) -> String {
        let trimmed = value.trimmingSpaces
        guard !trimmed.isEmpty, value.schemaLength <= fullNameMaximum else {
            throw Violation(field: "fullName", message: "fullName must be 1–200 characters")
        }
        return trimmed
    }

    /// Plausible, not proven: one '@', a non-empty local part, a dotted domain, no spaces.
    static func email(_ value: String) throws(Violation) -> String {
        let trimmed = value.trimmingSpaces
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard value.schemaLength <= 254, parts.count == 2, !parts[0].isEmpty,
            parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !trimmed.contains(where: \.isWhitespace)
        else { throw Violation(field: "email", message: "email is not a plausible address") }
        return trimmed
    }

    static func capacity(_ value: Int) throws(Violation) -> Int {
        guard capacityRange.contains(value) else { throw Violation(field: "capacity", message: "capacity must be 1–50") }
        return value
    }
}
