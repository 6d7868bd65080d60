/// What an account may do (DESIGN §6).
public enum Role: String, Codable, Sendable, CaseIterable {
    case admin = "ADMIN"
    case employee = "EMPLOYEE"
}
