import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Persistence
import PostgresNIO
import Testing

@testable import ServiceRuntime

/// A request whose database connection is cut mid-way (as a restarting server does) is a 503 to
/// retry, not a 500; a statement the server rejects is still a 500.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["ORCH_TEST_DATABASE_URL"] != nil, "needs ORCH_TEST_DATABASE_URL"))
struct DatabaseOutageResponseTests {
    func withApplication(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let url = try DatabaseURL(parsing: try #require(ProcessInfo.processInfo.environment["ORCH_TEST_DATABASE_URL"]))
        let client = PostgresClient(configuration: url.clientConfiguration, backgroundLogger: Logger(label: "test"))
        let router = Router()
        router.add(middleware: JSONErrorMiddleware())
        router.get("/cut") { _, _ in
            _ = try await client.query("SELECT pg_terminate_backend(pg_backend_pid())").collect()
            return "unreachable"
        }
        router.get("/rejected") { _, _ in
            _ = try await client.query("SELECT * FROM no_such_table_anywhere").collect()
            return "unreachable"
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await Application(router: router).test(.router, body)
        }
    }

    @Test func aConnectionCutMidRequestIsA503WithRetryAfter() async throws {
        try await withApplication { client in
            try await client.execute(uri: "/cut", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "1")
                #expect(String(buffer: response.body).contains(#""code":"unavailable""#))
            }
        }
    }

    @Test func aRejectedStatementIsStillA500() async throws {
        try await withApplication { client in
            try await client.execute(uri: "/rejected", method: .get) { response in
                #expect(response.status == .internalServerError)
                #expect(!String(buffer: response.body).contains("no_such_table"))
            }
        }
    }
}
