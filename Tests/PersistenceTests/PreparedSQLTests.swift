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

    /// Two private statement types of one file: Swift's full names share a long prefix.
    private struct FirstOfTwoStatementsInAFileWithALongName: PreparedSQL { let query: PostgresQuery }
    private struct SecondOfTwoStatementsInAFileWithALongName: PreparedSQL { let query: PostgresQuery }

    @Test func everyStatementHasAShortNameOfItsOwn() {
        let first = FirstOfTwoStatementsInAFileWithALongName.name, second = SecondOfTwoStatementsInAFileWithALongName.name
        #expect(String(reflecting: FirstOfTwoStatementsInAFileWithALongName.self).utf8.count > 63)
        #expect(first.utf8.count <= 63 && second.utf8.count <= 63)
        #expect(first.utf8.prefix(63).elementsEqual(second.utf8.prefix(63)) == false)
        #expect(first == FirstOfTwoStatementsInAFileWithALongName.name)
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
                // Two statements whose full names share their first 63 bytes, on one connection.
                let (one, two) = try await client.withConnection { connection in
                    let one = try await connection.rows(
                        of: FirstOfTwoStatementsInAFileWithALongName(query: "SELECT \(value)::bigint"), logger: Logger(label: "test"))
                    let two = try await connection.rows(
                        of: SecondOfTwoStatementsInAFileWithALongName(query: "SELECT \(value)::bigint * 2"), logger: Logger(label: "test"))
                    return (try one[0].decode(Int.self), try two[0].decode(Int.self))
                }
                #expect(one == value && two == 2 * value)
            }
        }
    }

    struct CountProbes: PreparedSQL {
        let query: PostgresQuery = "SELECT count(*)::bigint FROM pg_temp.prepared_probes"
    }

    /// A statement first run before its table exists (a service starting before its migrations
    /// ran): PostgresNIO keeps that failure for the connection, and the statement runs
    /// unprepared there from then on instead of failing for good.
    @Test(.enabled(if: TestDatabase.isConfigured, "needs ORCH_TEST_DATABASE_URL (compose/local test sets it)"))
    func aStatementFirstRunBeforeItsTableExistsWorksOnceItDoes() async throws {
        try await TestDatabase.withClient { client in
            try await client.withConnection { connection in
                let logger = Logger(label: "test")
                await #expect(throws: PSQLError.self) { _ = try await connection.rows(of: CountProbes(), logger: logger) }
                try await connection.query("CREATE TEMP TABLE prepared_probes (id int)", logger: logger)
                try await connection.query("INSERT INTO prepared_probes VALUES (1), (2)", logger: logger)
                let count = try await connection.rows(of: CountProbes(), logger: logger)[0].decode(Int.self)
                #expect(count == 2)
            }
        }
    }
}
