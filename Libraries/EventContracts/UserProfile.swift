import Foundation

/// What `user.registered` and `user.updated` both carry: the account as it is now. Read models
/// of users handle either through this one shape.
public protocol UserProfile: EventPayload {
    var userId: UUID { get }
    var username: String { get }
    var fullName: String { get }
    var role: Role { get }
    var skills: [String] { get }
    var capacity: Int { get }
    var active: Bool { get }
}

extension UserRegistered: UserProfile {}
extension UserUpdated: UserProfile {}
