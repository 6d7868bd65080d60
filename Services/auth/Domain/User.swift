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

    /// The account as it is now; `revoking` is the cut-off when the change revokes its earlier tokens.
    func updated(revoking cutoff: Date? = nil) -> UserUpdated {
        UserUpdated(
            userId: id, username: username, fullName: fullName, role: role, skills: skills, capacity: capacity, active: active,
            tokensValidFrom: cutoff
        )
    }

    /// Whether changing `self` into `changed` revokes the tokens issued before: a deactivation,
    /// a reactivation (nothing of the inactive time stays good) or another role.
    func revokesTokens(becoming changed: User) -> Bool {
        changed.active != active || changed.role != role
    }
}
