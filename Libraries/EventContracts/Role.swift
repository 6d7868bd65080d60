/// What an account may do (docs/auth.md).
public enum Role: String, Codable, Sendable, CaseIterable {
    case admin = "ADMIN"
    case employee = "EMPLOYEE"
}
