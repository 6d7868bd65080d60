import Logging
import PostgresNIO

/// Applies a service's migrations to its own schema, once each, safely from several replicas at
/// once (a transaction-scoped advisory lock serialises them).
///
/// Version 1 of every service is the schema itself. The runner creates it when it is missing —
/// which needs the CREATE privilege on the database — and otherwise adopts the schema that the
/// database bootstrap created for the service's role, so a least-privileged role works too.
public struct MigrationRunner: Sendable {
    public let schema: String
    public let migrations: [Migration]

    public init(schema: String, migrations: [Migration]) {
        precondition(schema.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "unsafe schema name")
        let versions = migrations.map(\.version)
        precondition(versions == Array(2..<(2 + versions.count)), "migrations must be numbered 2, 3, … in order")
        self.schema = schema
        self.migrations = migrations
    }

    /// Applies whatever is missing and returns the versions it applied.
    @discardableResult
    public func run(on client: PostgresClient, logger: Logger) async throws -> [Int] {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT pg_advisory_xact_lock(hashtext('migrations:\(schema)'))"),
                logger: logger
            )
            try await ensureSchema(on: connection, logger: logger)
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        CREATE TABLE IF NOT EXISTS \(schema).schema_migrations (
                            version integer PRIMARY KEY,
                            name text NOT NULL,
                            applied_at timestamptz NOT NULL DEFAULT now())
                        """),
                logger: logger
            )
            try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO \(schema).schema_migrations (version, name) VALUES (1, 'create schema')
                        ON CONFLICT (version) DO NOTHING
                        """),
                logger: logger
            )
            let applied = try await appliedVersions(on: connection, logger: logger)
            var newlyApplied: [Int] = []
            for migration in migrations where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO \(unescaped: schema).schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger
                )
                logger.info(
                    "applied migration", metadata: ["migration.version": "\(migration.version)", "migration.name": "\(migration.name)"])
                newlyApplied.append(migration.version)
            }
            return newlyApplied
        }
    }

    private func ensureSchema(on connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.query("SELECT 1 FROM pg_namespace WHERE nspname = \(schema)", logger: logger)
        for try await _ in rows { return }
        try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(schema)"), logger: logger)
        logger.info("created schema", metadata: ["schema": "\(schema)"])
    }

    private func appliedVersions(on connection: PostgresConnection, logger: Logger) async throws -> Set<Int> {
        let rows = try await connection.query(
            PostgresQuery(unsafeSQL: "SELECT version FROM \(schema).schema_migrations"), logger: logger
        )
        var versions: Set<Int> = []
        for try await version in rows.decode(Int.self) { versions.insert(version) }
        return versions
    }
}
