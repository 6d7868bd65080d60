import EventContracts
import Foundation

/// An account as the API shows it (never with password material).
struct User: Codable, Sendable, Equatable {
    var id: UUID
    var username: String
    var fullName: String
    var email: String
    var role: Role
    var skills: [String]
    var capacity: Int
    var active: Bool
    var createdAt: Date
    var updatedAt: Date

    var registered: UserRegistered {
        UserRegistered(
            userId: id, username: username, fullName: fullName, role: role, skills: skills, capacity: capacity, active: active
        )
    }

    var updated: UserUpdated {
        UserUpdated(
            userId: id, username: username, fullName: fullName, role: role, skills: skills, capacity: capacity, active: active
        )
    }
}
