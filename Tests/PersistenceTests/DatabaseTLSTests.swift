import Foundation
import Logging
import Persistence
import PostgresNIO
import Testing

/// PostgreSQL over TLS (docs/deployment.md, "Transport security"), against the test stack's
/// server, which `compose/local test` starts with TLS on and a certificate of its own CA
/// (ORCH_TEST_TLS_DIR): `verify-full` with that CA connects encrypted, with another CA it is
/// refused; `require` encrypts without checking; `disable` is plain.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["ORCH_TEST_TLS_DIR"] != nil, "needs the test stack's certificates"))
struct DatabaseTLSTests {
    let logger = Logger(label: "database-tls-test")

    func url(_ query: String) throws -> DatabaseURL {
        let server = try DatabaseURL(parsing: ProcessInfo.processInfo.environment["ORCH_TEST_DATABASE_URL"]!)
        let password = server.password.map { ":\($0)" } ?? ""
        return try DatabaseURL(parsing: "postgres://\(server.username)\(password)@localhost:\(server.port)/\(server.database)?\(query)")
    }

    /// Whether this session is encrypted, as the server sees it.
    func encrypted(_ url: DatabaseURL) async throws -> Bool {
        let connection = try await PostgresConnection.connect(configuration: url.connectionConfiguration, id: 1, logger: logger)
        defer { Task { try? await connection.close() } }
        let rows = try await connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: logger)
        for try await ssl in rows.decode(Bool.self) { return ssl }
        return false
    }

    /// The same through a pool, as the services connect.
    func pooledEncrypted(_ url: DatabaseURL) async throws -> Bool {
        let client = PostgresClient(configuration: url.clientConfiguration, backgroundLogger: logger)
        let running = Task { await client.run() }
        defer { running.cancel() }
        let rows = try await client.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: logger)
        for try await ssl in rows.decode(Bool.self) { return ssl }
        return false
    }

    @Test func verifyFullWithTheServersCAConnectsEncrypted() async throws {
        let dir = ProcessInfo.processInfo.environment["ORCH_TEST_TLS_DIR"]!
        #expect(try await encrypted(try url("sslmode=verify-full&sslrootcert=\(dir)/ca.pem")))
        #expect(try await pooledEncrypted(try url("sslmode=verify-full&sslrootcert=\(dir)/ca.pem")))
        #expect(try await !pooledEncrypted(try url("sslmode=disable")))
        #expect(try await encrypted(try url("sslmode=require")))
        #expect(try await !encrypted(try url("sslmode=disable")))
    }

    @Test func verifyFullWithAnotherCAIsRefused() async throws {
        let dir = ProcessInfo.processInfo.environment["ORCH_TEST_TLS_DIR"]!
        await #expect(throws: (any Error).self) { try await encrypted(try url("sslmode=verify-full&sslrootcert=\(dir)/other-ca.pem")) }
    }
}
