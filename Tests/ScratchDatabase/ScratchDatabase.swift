import Foundation
import Logging
import Persistence
import PostgresNIO

/// A database of its own on the test server for one test: created, one service's schema
/// migrated into it, handed to the test, and dropped afterwards — also when the test throws.
/// Integration tests of a service's statements run only when `ORCH_TEST_DATABASE_URL` is set
/// (`compose/local test` sets it).
public enum ScratchDatabase {
    public static var isConfigured: Bool { ProcessInfo.processInfo.environment["ORCH_TEST_DATABASE_URL"] != nil }

    /// Runs `body` with a client of a fresh database named `prefix_…`, `migrations` applied in `schema`.
    public static func with(
        schema: String, migrations: [Migration], prefix: String, _ body: (PostgresClient) async throws -> Void
    ) async throws {
        try await with(schema: schema, migrations: migrations, prefix: prefix) { client, _ in try await body(client) }
    }

    /// The same, with the fresh database's address too (for sessions of their own: LISTEN).
    public static func with(
        schema: String, migrations: [Migration], prefix: String, _ body: (PostgresClient, DatabaseURL) async throws -> Void
    ) async throws {
        let logger = Logger(label: "scratch-database")
        guard let url = ProcessInfo.processInfo.environment["ORCH_TEST_DATABASE_URL"] else {
            throw ScratchDatabaseError.notConfigured
        }
        let server = try DatabaseURL(parsing: url)
        let name = prefix + "_" + UUID().uuidString.prefix(8).lowercased()
        try await withClient(server.clientConfiguration, logger) { admin in
            try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        var scratch = server.clientConfiguration
        scratch.database = name
        var address = server
        address.database = name
        do {
            try await withClient(scratch, logger) { client in
                try await MigrationRunner(schema: schema, migrations: migrations).run(on: client, logger: logger)
                try await body(client, address)
            }
        } catch {
            try? await drop(name, server, logger)
            throw error
        }
        try await drop(name, server, logger)
    }

    private static func drop(_ name: String, _ server: DatabaseURL, _ logger: Logger) async throws {
        try await withClient(server.clientConfiguration, logger) { admin in
            try await admin.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger)
        }
    }

    /// The client runs beside the body and is cancelled after it.
    private static func withClient(
        _ configuration: PostgresClient.Configuration, _ logger: Logger, _ body: (PostgresClient) async throws -> Void
    ) async throws {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let running = Task { await client.run() }
        defer { running.cancel() }
        try await body(client)
    }
}

public enum ScratchDatabaseError: Error {
    case notConfigured
}
