import BackboneProbe
import EventBackbone
import Foundation
import Logging
import Messaging
import Persistence
import PostgresNIO
import ServiceLifecycle
import Testing

/// The real servers `compose/local test` starts; these suites run only when it set them.
enum TestServers {
    static let environment = ProcessInfo.processInfo.environment
    static var configured: Bool {
        environment["ORCH_TEST_DATABASE_URL"] != nil && environment["ORCH_TEST_AMQP_URL"] != nil
    }
    static var databaseURL: DatabaseURL { try! DatabaseURL(parsing: environment["ORCH_TEST_DATABASE_URL"]!) }
    static var amqpURL: AMQPURL { try! AMQPURL(parsing: environment["ORCH_TEST_AMQP_URL"]!) }
    static let logger: Logger = {
        var logger = Logger(label: "backbone-test")
        logger.logLevel = .warning
        return logger
    }()

    /// A fresh schema with the backbone's tables and a `handled` table for test handlers.
    static func makeSchema(_ client: PostgresClient) async throws -> String {
        let schema = "bb_" + UUID().uuidString.prefix(8).lowercased()
        try await ProbeSchema.prepare(schema, on: client, logger: logger)
        return schema
    }

    static func dropSchema(_ schema: String, _ client: PostgresClient) async throws {
        try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(schema) CASCADE"))
    }

    static func running<T: Sendable>(_ services: [any Service], _ body: @Sendable () async throws -> T) async throws -> T {
        try await whileRunning(services, body)
    }

    static func eventually(
        within limit: Duration = .seconds(15), _ condition: @Sendable () async throws -> Bool
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    static func count(_ sql: String, _ client: PostgresClient) async throws -> Int {
        try await client.query(PostgresQuery(unsafeSQL: sql)).collect().first?.decode(Int.self) ?? 0
    }
}
