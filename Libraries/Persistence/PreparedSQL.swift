import Logging
import PostgresNIO
import Synchronization

/// A hot statement that PostgreSQL parses (and, once its plan settles, plans) once per
/// connection instead of at every run. It is written where it runs, by interpolation like any
/// query — so a value can never land in the wrong placeholder — and wrapped in a type of its own,
/// whose name is the statement's name on every connection:
///
///     struct TaskByID: PreparedSQL { let query: PostgresQuery }
///     let rows = try await connection.execute(TaskByID(query: "SELECT … WHERE id = \(id)"), logger: logger)
///
/// Its text must not depend on the values (only what is bound may): the first run of the type
/// records the text, and a later run whose text differs throws `TextVaries` instead of running a
/// statement other than the one prepared.
///
/// **A null takes its type from the statement.** PostgresNIO sends a bound nil without a type,
/// and a connection prepares the statement at its first run there: a parameter that was nil then
/// gets the type PostgreSQL infers from where it stands, and every later value must be encoded
/// as that type. That holds for uuid, text, timestamptz and boolean columns; an optional `Int`
/// (sent as bigint) into an integer column does not — cast such a parameter to its Swift type
/// (`\(count)::bigint`), or bind it non-optional.
public protocol PreparedSQL: PostgresPreparedStatement where Row == PostgresRow {
    /// The statement with this run's values bound.
    var query: PostgresQuery { get }
}

extension PreparedSQL {
    /// The text recorded by `makeBindings`, which PostgresNIO calls before it reads this.
    public static var sql: String { PreparedTexts.text(of: name) ?? "" }

    public func makeBindings() throws -> PostgresBindings {
        let query = self.query
        try PreparedTexts.record(query.sql, for: Self.name)
        return query.binds
    }

    public func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// A prepared statement whose text changed with its values: a programming error, refused.
public struct TextVaries: Error, CustomStringConvertible {
    public let statement: String
    public var description: String { "the text of prepared statement \(statement) depends on its values" }
}

/// The text of each prepared statement type, as its first run wrote it.
enum PreparedTexts {
    private static let texts = Mutex<[String: String]>([:])

    static func text(of name: String) -> String? { texts.withLock { $0[name] } }

    static func record(_ text: String, for name: String) throws {
        try texts.withLock { texts in
            if let known = texts[name] {
                guard known == text else { throw TextVaries(statement: name) }
            } else {
                texts[name] = text
            }
        }
    }
}

extension PostgresConnection {
    /// Runs a prepared statement on this connection and collects its rows.
    public func rows(of statement: some PreparedSQL, logger: Logger) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in try await execute(statement, logger: logger) { rows.append(row) }
        return rows
    }
}

extension PostgresClient {
    /// Runs a prepared statement on a connection of the pool and collects its rows.
    public func rows(of statement: some PreparedSQL, logger: Logger) async throws -> [PostgresRow] {
        var rows: [PostgresRow] = []
        for try await row in try await execute(statement, logger: logger) { rows.append(row) }
        return rows
    }
}
