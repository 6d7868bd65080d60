import Foundation

/// `user.registered`: An account was created (by registration or by an admin).
public struct UserRegistered: EventPayload {
    public static let eventType = "user.registered"
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
