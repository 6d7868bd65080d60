import Foundation
import Logging
import Persistence
import PostgresNIO
import Testing

/// The PostgreSQL server `compose/local test` starts; integration tests run only when it is set.
enum TestDatabase {
    static let url = ProcessInfo.processInfo.environment["ORCH_TEST_DATABASE_URL"]
    static var isConfigured: Bool { url != nil }

    /// Runs `body` with a client connected to the test database.
    static func withClient<T: Sendable>(_ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let url = try DatabaseURL(parsing: try #require(url))
        let client = PostgresClient(configuration: url.clientConfiguration, backgroundLogger: Logger(label: "test"))
        // The client runs beside the body and is cancelled after it, but not waited for: with a
        // connection the server cut at the wrong moment, PostgresNIO's `run()` can fail to return
        // (the hang the drills found in the services), and the test would wait for ever.
        let running = Task { await client.run() }
        defer { running.cancel() }
        return try await body(client)
    }

    static func uniqueSchema() -> String {
        "test_" + UUID().uuidString.prefix(8).lowercased()
    }
}
