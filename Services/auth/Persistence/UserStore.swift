import EventContracts
import Foundation

/// What the auth routes need of the accounts they keep: `UserRepository` in PostgreSQL, and the
/// in-memory store the controller tests run against (docs/architecture.md, "Tests"). Every change
/// stores its event (`user.registered`, `user.updated`) with it, or neither.
protocol UserStore: Sendable {
    /// Throws `DuplicateUser` when the username or email is taken.
    func insert(_ user: User, passwordHash: String, correlationId: UUID) async throws
    /// The account and its password hash, by username (case-insensitive).
    func find(username: String) async throws -> (User, String)?
    func find(id: UUID) async throws -> User?
    /// Oldest first, filtered by role and by whether active.
    func list(role: Role?, active: Bool?, page: Int, size: Int) async throws -> (items: [User], total: Int)
    /// Applies the given changes and publishes `user.updated`; nil when there is no such user.
    func update(id: UUID, role: Role?, skills: [String]?, capacity: Int?, active: Bool?, correlationId: UUID) async throws -> User?
    /// How long ago each failure within `window` happened, for the username and for the client.
    func failures(username: String, client address: String, window: Duration) async throws -> (username: [Duration], client: [Duration])
    func recordFailure(username: String, client address: String) async throws
    /// A successful login forgives the username's failures; old records of any kind go too.
    func clearFailures(username: String, olderThan window: Duration) async throws
}

/// The username or the email of a new account is already taken.
struct DuplicateUser: Error, Equatable {
    let field: String
}
