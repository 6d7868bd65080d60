import Foundation
import Logging
import Persistence
import PostgresNIO
import Testing

/// A service pool made with `genericPlans` plans a prepared statement once per session and runs
/// that plan every time; without it, PostgreSQL plans each of the first runs (at least five) for
/// the values at hand, and may go on doing so for good.
@Suite(.enabled(if: TestDatabase.isConfigured, "needs ORCH_TEST_DATABASE_URL (compose/local test sets it)"))
struct GenericPlansTests {
    struct Twice: PreparedSQL { let query: PostgresQuery }

    /// `Twice` run ten times on one session of a pool: the session's `plan_cache_mode` and how
    /// PostgreSQL planned those runs (`pg_prepared_statements`).
    func tenRuns(genericPlans: Bool) async throws -> (mode: String, generic: Int, custom: Int) {
        let url = try DatabaseURL(parsing: try #require(TestDatabase.url))
        let logger = Logger(label: "generic-plans-test")
        let pool = PostgresClient(
            configuration: url.servicePoolConfiguration(connections: 1, genericPlans: genericPlans), backgroundLogger: logger)
        let running = Task { await pool.run() }
        defer { running.cancel() }
        return try await pool.withConnection { connection in
            for value in 1...10 {
                let rows = try await connection.rows(of: Twice(query: "SELECT \(value)::int * 2"), logger: logger)
                #expect(try rows.first?.decode(Int.self) == value * 2)
            }
            let rows = try await connection.query(
                """
                SELECT current_setting('plan_cache_mode'), generic_plans::int, custom_plans::int
                FROM pg_prepared_statements WHERE name = \(Twice.name)
                """, logger: logger
            ).collect()
            let (mode, generic, custom) = try #require(rows.first).decode((String, Int, Int).self)
            return (mode, generic, custom)
        }
    }

    @Test func aPoolWithGenericPlansPlansAStatementOncePerSession() async throws {
        let plans = try await tenRuns(genericPlans: true)
        #expect(plans.mode == "force_generic_plan")
        #expect(plans.custom == 0)
        #expect(plans.generic == 10)
    }

    @Test func aPoolWithoutPlansTheFirstRunsForTheirValues() async throws {
        let plans = try await tenRuns(genericPlans: false)
        #expect(plans.mode == "auto")
        #expect(plans.custom >= 5)
    }
}
