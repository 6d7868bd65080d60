import Foundation
import Logging
import Persistence
import PostgresNIO
import Testing

/// A prepared statement's text is recorded by its first run; a run whose text differs is refused
/// before anything reaches the server.
@Suite struct PreparedSQLTests {
    struct Lookup: PreparedSQL {
        let query: PostgresQuery
    }

    struct Varying: PreparedSQL {
        let query: PostgresQuery
    }

    @Test func theValuesAreBoundAndTheTextStaysTheSame() throws {
        let first = try Lookup(query: "SELECT \(1)::int + \(Optional<Int>.none)::int").makeBindings()
        let second = try Lookup(query: "SELECT \(2)::int + \(Optional(3))::int").makeBindings()
        #expect(first.count == 2 && second.count == 2)
        #expect(Lookup.sql == "SELECT $1::int + $2::int")
    }

    @Test func aTextThatChangesWithItsValuesIsRefused() throws {
        _ = try Varying(query: "SELECT \(1)::int").makeBindings()
        #expect(throws: TextVaries.self) { try Varying(query: "SELECT \(1)::int, \(2)::int").makeBindings() }
    }

    struct Sum: PreparedSQL {
        let query: PostgresQuery
        init(_ a: Int, _ b: Int?) { query = "SELECT \(a)::int + \(b)::bigint" }
    }

    /// The first run may bind a null (typed by its cast, as `PreparedSQL` asks), later ones values.
    @Test(.enabled(if: TestDatabase.isConfigured, "needs ORCH_TEST_DATABASE_URL (compose/local test sets it)"))
    func runsOnAConnectionAgainAndAgainWithNewValues() async throws {
        try await TestDatabase.withClient { client in
            for value in 1...8 {
                let rows = try await client.rows(of: Sum(value, nil), logger: Logger(label: "test"))
                let nothing = try rows[0].decode(Int?.self)
                #expect(rows.count == 1 && nothing == nil)
                let sum = try await client.withConnection { connection in
                    try await connection.rows(of: Sum(value, 10), logger: Logger(label: "test"))
                }
                let total = try sum[0].decode(Int.self)
                #expect(total == value + 10)
            }
        }
    }
}
