import BackboneProbe
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

    static func prepare(schema: String, on client: PostgresClient) async throws {
        try await ProbeSchema.prepare(schema, on: client, logger: logger)
    }

    static func running<T: Sendable>(_ services: [any Service], _ body: @Sendable () async throws -> T) async throws -> T {
        try await whileRunning(services, body)
    }

    /// Runs `services` until SIGTERM or SIGINT.
    static func runUntilSignalled(_ services: [any Service]) async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
            ))
        try await group.run()
    }

    /// A line on standard output, written at once (drills wait for these lines).
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data("\(line)\n".utf8))
    }
}
