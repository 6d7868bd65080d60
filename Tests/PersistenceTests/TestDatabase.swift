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
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { await client.run(); return nil }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    static func uniqueSchema() -> String {
        "test_" + UUID().uuidString.prefix(8).lowercased()
    }
}
