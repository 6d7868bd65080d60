import EventBackbone
import Foundation
import KeyValueStore
import Logging
import Messaging
import Persistence
import PostgresNIO
import ServiceLifecycle

/// Connection settings and helpers shared by the subcommands.
enum Servers {
    static let environment = ProcessInfo.processInfo.environment

    static func database() throws -> DatabaseURL {
        try DatabaseURL(parsing: environment["ORCH_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/orchestrator")
    }

    static func amqp() throws -> AMQPURL {
        try AMQPURL(parsing: environment["ORCH_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672/%2f")
    }

    static func redis() throws -> RedisURL {
        try RedisURL(parsing: environment["ORCH_REDIS_URL"] ?? "redis://127.0.0.1:6379")
    }

    static let logger: Logger = {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "backbone-bench")
        logger.logLevel = .warning
        return logger
    }()

    static func client() throws -> PostgresClient {
        var configuration = try database().clientConfiguration
        configuration.options.maximumConnections = 32
        return PostgresClient(configuration: configuration, backgroundLogger: logger)
    }

    /// The backbone's tables plus `handled`, where test consumers record what they handled.
    static func prepare(schema: String, on client: PostgresClient) async throws {
        try await MigrationRunner(schema: schema, migrations: [
            BackboneMigrations.outboxAndInbox(schema: schema, version: 2),
            Migration(version: 3, name: "handled", statements: [
                "CREATE TABLE \(schema).handled (seq integer NOT NULL, event_id uuid NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())",
            ]),
        ]).run(on: client, logger: logger)
    }

    /// Runs `services` until `body` returns, then stops them.
    static func running<T: Sendable>(_ services: [any Service], _ body: @Sendable () async throws -> T) async throws -> T {
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

    /// Runs `services` until SIGTERM or SIGINT.
    static func runUntilSignalled(_ services: [any Service]) async throws {
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
        ))
        try await group.run()
    }

    static func event(type: String, seq: Int, id: UUID = UUID()) -> EncodedEvent {
        EncodedEvent(id: id, type: type, body: """
            {"id":"\(id.uuidString.lowercased())","type":"\(type)","version":1,"occurredAt":"\(Date().formatted(.iso8601))",\
            "source":"bench","correlationId":"\(UUID().uuidString.lowercased())","causationId":null,"data":{"seq":\(seq)}}
            """)
    }

    static func seq(_ body: [UInt8]) -> Int? {
        struct Envelope: Decodable {
            struct Payload: Decodable { let seq: Int }
            let data: Payload
        }
        return try? JSONDecoder().decode(Envelope.self, from: Data(body)).data.seq
    }

    /// A line on standard output, written at once (drills wait for these lines).
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data("\(line)\n".utf8))
    }
}
