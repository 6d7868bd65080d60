import EventContracts
import Foundation
import Logging
import Persistence
import ServiceLifecycle

/// Creates the first admin from `ORCH_AUTH_BOOTSTRAP_ADMIN` once the database is ready, if no
/// account has that username yet — so restarting is harmless and a changed password in the
/// variable never overwrites one set since.
struct BootstrapAdmin: Service {
    let username: String
    let password: String
    let users: UserRepository
    let hasher: PasswordHasher
    let database: ServiceDatabase
    let logger: Logger

    func run() async throws {
        var attempt = 0
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                if database.isMigrated {
                    try await createIfMissing()
                    break
                }
            } catch {
                attempt += 1
                logger.warning("could not create the first admin yet", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
            }
            try? await Task.sleep(for: .milliseconds(attempt == 0 ? 200 : 1_000))
        }
        // A service that returns would stop the whole group; this one waits for the end.
        try? await gracefulShutdown()
    }

    private func createIfMissing() async throws {
        guard try await users.find(username: username) == nil else { return }
        let now = Date.nowToTheMillisecond
        let admin = User(
            id: UUID.random(), username: username, fullName: "Administrator", email: "\(username)@orchestrator.invalid",
            role: .admin, skills: [], capacity: 1, active: true, createdAt: now, updatedAt: now
        )
        do {
            try await users.insert(admin, passwordHash: try await hasher.hash(password), correlationId: UUID.random())
            logger.notice("created the first admin", metadata: ["user.name": "\(username)"])
        } catch is DuplicateUser {
            return  // another replica was quicker
        }
    }
}
