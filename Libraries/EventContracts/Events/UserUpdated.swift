import Foundation

/// `user.updated`: An account changed; carries every field as it is now, and — when it was
/// deactivated or given another role — the time from which only tokens issued since are good
/// (docs/auth.md, "Revocation").
public struct UserUpdated: EventPayload {
    public static let eventType = "user.updated"
    public static let publisher = EventPublisher.auth
    public static let schemaVersion = 1

    public var userId: UUID
    public var username: String
    public var fullName: String
    public var role: Role
    public var skills: [String]
    public var capacity: Int
    public var active: Bool
    /// Set when this change revokes the user's earlier tokens: every service refuses a token of
    /// theirs issued before it. Added after version 1 (optional: older producers leave it out).
    public var tokensValidFrom: Date?

    public init(
        userId: UUID, username: String, fullName: String, role: Role, skills: [String], capacity: Int, active: Bool,
        tokensValidFrom: Date? = nil
    ) {
        self.userId = userId
        self.username = username
        self.fullName = fullName
        self.role = role
        self.skills = skills
        self.capacity = capacity
        self.active = active
        self.tokensValidFrom = tokensValidFrom
    }
}
