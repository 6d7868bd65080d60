import EventBackbone
import EventContracts
import Foundation
import Logging
import Persistence
import PostgresNIO
import ServiceRuntime

/// Accounts and failed logins in the `auth` schema. Every change writes its event to the outbox
/// in the same transaction.
struct UserRepository: UserStore {
    let client: PostgresClient
    let logger: Logger
    private let outbox = Outbox(schema: "auth")

    private static let columns = "id, username, full_name, email, role, skills, capacity, active, created_at, updated_at"

    private static func user(_ row: PostgresRow) throws -> User {
        let (id, username, fullName, email, role, skills, capacity, active, created, updated) =
            try row.decode((UUID, String, String, String, String, [String], Int, Bool, Date, Date).self)
        return User(
            id: id, username: username, fullName: fullName, email: email, role: Role(rawValue: role) ?? .employee,
            skills: skills, capacity: capacity, active: active, createdAt: created, updatedAt: updated
        )
    }

    func insert(_ user: User, passwordHash: String, correlationId: UUID) async throws {
        do {
            try await client.transaction(logger: logger) { connection in
                try await connection.query(
                    """
                    INSERT INTO auth.users (id, username, full_name, email, role, skills, capacity, active, password_hash, created_at, updated_at)
                    VALUES (\(user.id), \(user.username), \(user.fullName), \(user.email), \(user.role.rawValue), \(user.skills),
                            \(user.capacity), \(user.active), \(passwordHash), \(user.createdAt), \(user.updatedAt))
                    """,
                    logger: logger
                )
                try await outbox.append(
                    EventEnvelope(source: "auth", correlationId: correlationId, data: user.registered), on: connection, logger: logger
                )
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            let constraint = error.serverInfo?[.constraintName] ?? ""
            throw DuplicateUser(field: constraint.contains("email") ? "email" : "username")
        }
    }

    func find(username: String) async throws -> (User, String)? {
        let rows = try await client.query(
            "SELECT \(unescaped: Self.columns), password_hash FROM auth.users WHERE lower(username) = lower(\(username))",
            logger: logger
        ).collect()
        guard let row = rows.first else { return nil }
        return (try Self.user(row), try row.decode((UUID, String, String, String, String, [String], Int, Bool, Date, Date, String).self).10)
    }

    func find(id: UUID) async throws -> User? {
        let rows = try await client.query("SELECT \(unescaped: Self.columns) FROM auth.users WHERE id = \(id)", logger: logger).collect()
        return try rows.first.map(Self.user)
    }

    func list(role: Role?, active: Bool?, page: Int, size: Int) async throws -> (items: [User], total: Int) {
        let filter: PostgresQuery = """
            SELECT count(*) FROM auth.users
            WHERE (\(role?.rawValue)::text IS NULL OR role = \(role?.rawValue)) AND (\(active)::boolean IS NULL OR active = \(active))
            """
        let total = try await client.query(filter, logger: logger).collect().first?.decode(Int.self) ?? 0
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columns) FROM auth.users
            WHERE (\(role?.rawValue)::text IS NULL OR role = \(role?.rawValue)) AND (\(active)::boolean IS NULL OR active = \(active))
            ORDER BY created_at, id LIMIT \(size) OFFSET \(page * size)
            """,
            logger: logger
        ).collect()
        return (try rows.map(Self.user), total)
    }

    func update(
        id: UUID, role: Role?, skills: [String]?, capacity: Int?, active: Bool?, correlationId: UUID
    ) async throws -> User? {
        try await client.transaction(logger: logger) { connection in
            let before = try await connection.query(
                "SELECT \(unescaped: Self.columns) FROM auth.users WHERE id = \(id) FOR UPDATE", logger: logger
            ).collect()
            guard let old = try before.first.map(Self.user) else { return nil }
            let rows = try await connection.query(
                """
                UPDATE auth.users SET
                    role = coalesce(\(role?.rawValue), role), skills = coalesce(\(skills), skills),
                    capacity = coalesce(\(capacity), capacity), active = coalesce(\(active), active), updated_at = now()
                WHERE id = \(id) RETURNING \(unescaped: Self.columns)
                """,
                logger: logger
            ).collect()
            guard let user = try rows.first.map(Self.user) else { return nil }
            // A deactivation or another role ends the tokens issued before it, here and, through
            // the event, in every other service (docs/auth.md, "Revocation").
            let cutoff = old.revokesTokens(becoming: user) ? Date.nowToTheMillisecond : nil
            if let cutoff { try await TokenCutoffs.record(id, from: cutoff, schema: "auth", on: connection, logger: logger) }
            try await outbox.append(
                EventEnvelope(source: "auth", correlationId: correlationId, data: user.updated(revoking: cutoff)), on: connection,
                logger: logger
            )
            return user
        }
    }

    func failures(username: String, client address: String, window: Duration) async throws -> (username: [Duration], client: [Duration]) {
        let seconds = Double(window.components.seconds)
        let rows = try await client.query(
            """
            SELECT lower(username) = lower(\(username)), client = \(address), extract(epoch FROM now() - at)::float8
            FROM auth.failed_logins
            WHERE at > now() - make_interval(secs => \(seconds)) AND (lower(username) = lower(\(username)) OR client = \(address))
            """,
            logger: logger
        )
        var byUsername: [Duration] = [], byClient: [Duration] = []
        for try await (sameUsername, sameClient, age) in rows.decode((Bool, Bool, Double).self) {
            let duration = Duration.milliseconds(Int64(age * 1_000))
            if sameUsername { byUsername.append(duration) }
            if sameClient { byClient.append(duration) }
        }
        return (byUsername, byClient)
    }

    func recordFailure(username: String, client address: String) async throws {
        try await client.query(
            "INSERT INTO auth.failed_logins (username, client) VALUES (lower(\(username)), \(address))", logger: logger
        )
    }

    func clearFailures(username: String, olderThan window: Duration) async throws {
        let seconds = Double(window.components.seconds)
        try await client.query(
            """
            DELETE FROM auth.failed_logins
            WHERE lower(username) = lower(\(username)) OR at < now() - make_interval(secs => \(seconds))
            """,
            logger: logger
        )
    }
}
