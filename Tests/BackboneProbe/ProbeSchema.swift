import EventBackbone
import Foundation
import Logging
import Persistence
import PostgresNIO
import ServiceLifecycle

/// A schema with the backbone's tables and `handled`, where probe consumers record each event.
public enum ProbeSchema {
    public static func prepare(_ schema: String, on client: PostgresClient, logger: Logger) async throws {
        try await MigrationRunner(
            schema: schema,
            migrations: [
                BackboneMigrations.outboxAndInbox(schema: schema, version: 2),
                Migration(
                    version: 3, name: "handled",
                    statements: [
                        "CREATE TABLE \(schema).handled (seq integer NOT NULL, event_id uuid NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())"
                    ]),
                BackboneMigrations.wokenInProcess(schema: schema, version: 4),
                BackboneMigrations.leanIndexes(schema: schema, version: 5),
                BackboneMigrations.deadLetters(schema: schema, version: 6),
                BackboneMigrations.outboxTraceContext(schema: schema, version: 7),
            ]
        ).run(on: client, logger: logger)
    }

    /// Records a handled event, from inside the consumer's transaction.
    public static func record(seq: Int, eventId: UUID, in schema: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "INSERT INTO \(unescaped: schema).handled (seq, event_id) VALUES (\(seq), \(eventId))", logger: logger
        )
    }
}

/// Runs `services` while `body` runs, then cancels them.
public func whileRunning<T: Sendable>(_ services: [any Service], _ body: @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        for service in services {
            group.addTask {
                try await service.run()
                return nil
            }
        }
        defer { group.cancelAll() }
        return try await body()
    }
}
