import Logging
import PostgresNIO
import Synchronization

/// A hot statement that PostgreSQL parses (and, once its plan settles, plans) once per
/// connection instead of at every run. It is written where it runs, by interpolation like any
/// query — so a value can never land in the wrong placeholder — and wrapped in a type of its own,
/// whose name is the statement's name on every connection:
///
///     struct TaskByID: PreparedSQL { let query: PostgresQuery }
///     let rows = try await connection.rows(of: TaskByID(query: "SELECT … WHERE id = \(id)"), logger: logger)
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
    /// The statement's name on the server: the type's own name and a hash of its full name.
    /// PostgreSQL cuts names at 63 bytes, and Swift's full name of a private type — "Service.Store.
    /// (unknown context at $55ea7dfd3674).WriteViews" — is longer, with the distinguishing part
    /// last: cut, the statements of one file shared a name, and the second to be prepared on a
    /// connection failed ("already exists") — for good, since PostgresNIO keeps a failed
    /// preparation's error for the connection's life.
    public static var name: String { PreparedTexts.name(of: Self.self) }

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

    private static let names = Mutex<[ObjectIdentifier: String]>([:])

    static func text(of name: String) -> String? { texts.withLock { $0[name] } }

    /// The server name of a statement type, worked out once per process: `String(reflecting:)`
    /// is slow, and PostgresNIO asks for the name several times per run.
    static func name(of type: Any.Type) -> String {
        let key = ObjectIdentifier(type)
        if let known = names.withLock({ $0[key] }) { return known }
        let name = serverName(of: String(reflecting: type))
        names.withLock { $0[key] = name }
        return name
    }

    /// `fullName`'s last component (at most 40 bytes) and a 64-bit FNV-1a hash of all of it: at
    /// most 57 bytes, the same in every process of one build.
    static func serverName(of fullName: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in fullName.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let last = fullName.split(separator: ".").last.map { String($0.utf8.prefix(40)) ?? "" } ?? ""
        let hex = String(hash, radix: 16)
        return last + "_" + String(repeating: "0", count: 16 - hex.count) + hex
    }

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
        do {
            var rows: [PostgresRow] = []
            for try await row in try await execute(statement, logger: logger) { rows.append(row) }
            return rows
        } catch let error as PSQLError where PreparedTexts.failedBeforeRunning(error) {
            // PostgresNIO keeps a failed preparation's error for the connection's life (a table
            // missing before the migrations ran, say): the statement runs unprepared instead.
            return try await query(try statement.plain(), logger: logger).collect()
        }
    }
}

extension PostgresClient {
    /// Runs a prepared statement on a connection of the pool and collects its rows.
    public func rows(of statement: some PreparedSQL, logger: Logger) async throws -> [PostgresRow] {
        try await withConnection { connection in try await connection.rows(of: statement, logger: logger) }
    }
}

extension PreparedSQL {
    /// The statement as an ordinary query (its text checked like a prepared run's).
    func plain() throws -> PostgresQuery {
        _ = try makeBindings()
        return query
    }
}

extension PreparedTexts {
    /// Whether `error` says the statement never ran: PostgreSQL refused its text (class 42: a
    /// missing table, a syntax error, a name already taken) or its name (class 26). Running it
    /// again, unprepared, then cannot apply anything twice.
    static func failedBeforeRunning(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state.hasPrefix("42") || state.hasPrefix("26")
    }
}
