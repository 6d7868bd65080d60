import EventContracts
import Foundation
import Synchronization

@testable import AuthService

/// The accounts a controller test works on, kept in memory under one lock; each change records
/// the event the repository would store with it. Uniqueness and the throttle's clock are what
/// PostgreSQL gives `UserRepository`; here they are worked out the same way.
final class InMemoryUserStore: UserStore {
    struct Account {
        var user: User
        var passwordHash: String
    }

    struct State {
        var accounts: [Account] = []
        var failures: [(username: String, client: String, at: ContinuousClock.Instant)] = []
        /// The events stored, by type: `user.registered`, `user.updated`.
        var events: [String] = []
        /// The cut-off each change that revokes a user's tokens recorded.
        var cutoffs: [UUID: Date] = [:]
    }

    let state = Mutex(State())

    var events: [String] { state.withLock { $0.events } }
    var cutoffs: [UUID: Date] { state.withLock { $0.cutoffs } }

    func insert(_ user: User, passwordHash: String, correlationId: UUID) async throws {
        try state.withLock { state in
            if state.accounts.contains(where: { $0.user.username.lowercased() == user.username.lowercased() }) {
                throw DuplicateUser(field: "username")
            }
            if state.accounts.contains(where: { $0.user.email.lowercased() == user.email.lowercased() }) {
                throw DuplicateUser(field: "email")
            }
            state.accounts.append(Account(user: user, passwordHash: passwordHash))
            state.events.append(UserRegistered.eventType)
        }
    }

    func find(username: String) async throws -> (User, String)? {
        state.withLock { state in
            state.accounts.first { $0.user.username.lowercased() == username.lowercased() }.map { ($0.user, $0.passwordHash) }
        }
    }

    func find(id: UUID) async throws -> User? {
        state.withLock { $0.accounts.first { $0.user.id == id }?.user }
    }

    func list(role: Role?, active: Bool?, page: Int, size: Int) async throws -> (items: [User], total: Int) {
        let matching = state.withLock { $0.accounts.map(\.user) }.filter { user in
            (role.map { user.role == $0 } ?? true) && (active.map { user.active == $0 } ?? true)
        }
        return (Array(matching.dropFirst(page * size).prefix(size)), matching.count)
    }

    func update(id: UUID, role: Role?, skills: [String]?, capacity: Int?, active: Bool?, correlationId: UUID) async throws -> User? {
        state.withLock { state in
            guard let index = state.accounts.firstIndex(where: { $0.user.id == id }) else { return nil }
            let old = state.accounts[index].user
            var user = old
            user.role = role ?? user.role
            user.skills = skills ?? user.skills
            user.capacity = capacity ?? user.capacity
            user.active = active ?? user.active
            user.updatedAt = .nowToTheMillisecond
            state.accounts[index].user = user
            state.events.append(UserUpdated.eventType)
            if old.revokesTokens(becoming: user) { state.cutoffs[id] = .nowToTheMillisecond }
            return user
        }
    }

    func failures(username: String, client address: String, window: Duration) async throws -> (username: [Duration], client: [Duration]) {
        let now = ContinuousClock.now
        let recent = state.withLock { $0.failures }.filter { now - $0.at < window }
        return (
            recent.filter { $0.username == username.lowercased() }.map { now - $0.at },
            recent.filter { $0.client == address }.map { now - $0.at }
        )
    }

    func recordFailure(username: String, client address: String) async throws {
        state.withLock { $0.failures.append((username.lowercased(), address, .now)) }
    }

    func clearFailures(username: String, olderThan window: Duration) async throws {
        let now = ContinuousClock.now
        state.withLock { $0.failures.removeAll { $0.username == username.lowercased() || now - $0.at >= window } }
    }
}
