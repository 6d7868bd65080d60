import Logging
import PostgresNIO
import Resilience
import ServiceLifecycle
import Synchronization

/// A service's database: the connection pool and its migrations, run as one `Service`.
///
/// Migrations are retried with backoff while PostgreSQL is unreachable, so a service starts
/// (and answers `/health/live`) before its database does, and is ready once it has migrated.
public final class ServiceDatabase: Service, Sendable {
    public let client: PostgresClient
    private let runner: MigrationRunner
    private let backoff: Backoff
    private let logger: Logger
    private let migrated = Mutex(false)

    /// `genericPlans`: see `DatabaseURL.servicePoolConfiguration`.
    public init(
        url: DatabaseURL, schema: String, migrations: [Migration], genericPlans: Bool = false, backoff: Backoff = Backoff(),
        logger: Logger
    ) {
        self.client = PostgresClient(configuration: url.servicePoolConfiguration(genericPlans: genericPlans), backgroundLogger: logger)
        self.runner = MigrationRunner(schema: schema, migrations: migrations)
        self.backoff = backoff
        self.logger = logger
    }

    public var isMigrated: Bool { migrated.withLock { $0 } }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.client.run() }
            group.addTask { await self.migrateUntilDone() }
            try? await gracefulShutdown()
            group.cancelAll()
        }
    }

    /// Up when the migrations have run and the server answers a query within `limit` (a query
    /// lost as the server restarts never returns, so the probe stops waiting rather than hang).
    public func probe(limit: Duration = .seconds(2)) async -> DependencyHealth {
        guard isMigrated else { return .down(reason: "migrations have not run yet") }
        do {
            _ = try await withDeadline(limit) { [client] in
                try await client.query("SELECT 1").collect()
            }
            return .up
        } catch {
            return .down(reason: String(describing: error))
        }
    }

    private func migrateUntilDone() async {
        var attempt = 0
        while !Task.isCancelled {
            do {
                let applied = try await runner.run(on: client, logger: logger)
                migrated.withLock { $0 = true }
                logger.info("database ready", metadata: ["migrations.applied": "\(applied)"])
                return
            } catch {
                let delay = backoff.delay(attempt: attempt)
                logger.warning(
                    "database not reachable, retrying",
                    metadata: [
                        "error": "\(String(reflecting: error))", "retry.in": "\(delay)",
                    ])
                attempt += 1
                try? await Task.sleep(for: delay)
            }
        }
    }
}
