import Foundation

/// `user.updated`: An account changed; carries every field as it is now.
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

    public init(userId: UUID, username: String, fullName: String, role: Role, skills: [String], capacity: Int, active: Bool) {
        self.userId = userId
        self.username = username
        self.fullName = fullName
        self.role = role
        self.skills = skills
        self.capacity = capacity
        self.active = active
    }
}
