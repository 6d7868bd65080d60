import Foundation
import Logging
import Persistence
import PostgresNIO
import Resilience
import Testing

/// A service's pool lives through a flapping server — its sessions cut, one reconnection let in
/// and the others refused — and serves a burst that needs several connections once the server is
/// whole again. (PostgresNIO 1.33's pool stopped a service with `Precondition failed` after a
/// restart of the server when its minimum was its maximum — twice in the black-box suite's
/// PostgreSQL outages; this sequence does not bring that about, so what guards against it is the
/// minimum of one, checked in `DatabaseURLTests`.)
@Suite(.enabled(if: TestDatabase.isConfigured, "needs ORCH_TEST_DATABASE_URL (compose/local test sets it)"))
struct ServicePoolTests {
    @Test func aPoolGrowsAgainAfterItsConnectionsWereCutAndRefused() async throws {
        let admin = try DatabaseURL(parsing: try #require(TestDatabase.url))
        let role = "pool_" + UUID().uuidString.prefix(8).lowercased()
        let password = UUID().uuidString
        try await TestDatabase.withClient { server in
            try await server.query(PostgresQuery(unsafeSQL: "CREATE ROLE \(role) LOGIN PASSWORD '\(password)'"))
            try await server.query(PostgresQuery(unsafeSQL: "GRANT CONNECT ON DATABASE \"\(admin.database)\" TO \(role)"))
            let url = DatabaseURL(host: admin.host, port: admin.port, username: role, password: password, database: admin.database)
            do {
                try await Self.outage(of: role, pool: url.servicePoolConfiguration(connections: 4), server: server)
            } catch {
                try? await Self.drop(role: role, on: server)
                throw error
            }
            try await Self.drop(role: role, on: server)
        }
    }

    private static func outage(of role: String, pool configuration: PostgresClient.Configuration, server: PostgresClient) async throws {
        let pool = PostgresClient(configuration: configuration, backgroundLogger: Logger(label: "test"))
        let running = Task { await pool.run() }
        defer { running.cancel() }
        try await burst(on: pool)

        // A flapping server: the sessions cut, and of the pool's attempts to open them again
        // one is let in and the others refused (a connection limit of one for the role).
        try await server.query(PostgresQuery(unsafeSQL: "ALTER ROLE \(role) CONNECTION LIMIT 1"))
        try await terminateSessions(of: role, on: server)
        try await Task.sleep(for: .seconds(1))
        try await server.query(PostgresQuery(unsafeSQL: "ALTER ROLE \(role) CONNECTION LIMIT -1"))

        // Then the server is whole again. A request meanwhile fails or waits; none may take the
        // process down. One query at a time until one is answered, then a burst.
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while (try? await withDeadline(.seconds(2), operation: { try await pool.query("SELECT 1").collect() })) == nil {
            guard clock.now < deadline else {
                Issue.record("the pool did not reconnect within a minute")
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        try await burst(on: pool)
    }

    /// Eight statements at once, each holding its connection for a moment: more than one
    /// connection is needed.
    private static func burst(on pool: PostgresClient) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { _ = try await pool.query("SELECT pg_sleep(0.05)").collect() }
            }
            try await group.waitForAll()
        }
    }

    private static func terminateSessions(of role: String, on server: PostgresClient) async throws {
        _ = try await server.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = \(role)"
        ).collect()
    }

    private static func drop(role: String, on server: PostgresClient) async throws {
        try await terminateSessions(of: role, on: server)
        try await server.query(PostgresQuery(unsafeSQL: "DROP OWNED BY \(role)"))
        try await server.query(PostgresQuery(unsafeSQL: "DROP ROLE \(role)"))
    }
}
