import Foundation
import Logging
import Persistence
import PostgresNIO
import Resilience
import Testing

/// Outages are told from rejections by the errors a real server and a real client produce.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs ORCH_TEST_DATABASE_URL (compose/local test sets it)"))
struct DatabaseOutageTests {
    @Test func aServerThatTerminatesTheConnectionIsAnOutage() async throws {
        try await TestDatabase.withClient { client in
            let error = await #expect(throws: (any Error).self) {
                _ = try await client.query("SELECT pg_terminate_backend(pg_backend_pid())").collect()
            }
            #expect(error.map(DatabaseOutage.isOutage) == true, "\(String(reflecting: error))")
        }
    }

    @Test func aTransactionCutOffByTheServerIsAnOutage() async throws {
        try await TestDatabase.withClient { client in
            do {
                // Bounded: PostgresNIO now and then leaves this call waiting for ever (about one
                // run in ten here) — the hang the services guard against with deadlines
                // (docs/drills.md). That is recorded as a known issue, not waited on.
                try await withDeadline(.seconds(15)) {
                    try await client.withTransaction(logger: Logger(label: "test")) { connection in
                        try await connection.query("SELECT pg_terminate_backend(pg_backend_pid())", logger: Logger(label: "test"))
                    }
                }
                Issue.record("a transaction whose connection the server terminated succeeded")
            } catch let error as TimeoutError {
                withKnownIssue("PostgresNIO can leave a transaction cut off by the server waiting for ever", isIntermittent: true) {
                    Issue.record(error)
                }
            } catch {
                #expect(DatabaseOutage.isOutage(error), "\(String(reflecting: error))")
            }
        }
    }

    @Test func aRejectedStatementIsNotAnOutage() async throws {
        try await TestDatabase.withClient { client in
            for statement: PostgresQuery in ["SELECT * FROM no_such_table_anywhere", "SELECT 1/0", "SELECT 'x'::int"] {
                let error = await #expect(throws: (any Error).self) { _ = try await client.query(statement).collect() }
                #expect(error.map(DatabaseOutage.isOutage) == false, "\(String(reflecting: error))")
            }
        }
    }

    @Test func otherErrorsAreNotOutages() {
        struct Unrelated: Error {}
        #expect(!DatabaseOutage.isOutage(Unrelated()))
        #expect(!DatabaseOutage.isOutage(CancellationError()))
    }
}
