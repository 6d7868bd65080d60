import Foundation
import Persistence
import Testing

@Suite struct DatabaseURLTests {
    @Test func parsesEveryPart() throws {
        let url = try DatabaseURL(parsing: "postgres://orch_tasks:p%2Fw%40rd@db.example:6543/orchestrator")
        #expect(url == DatabaseURL(host: "db.example", port: 6543, username: "orch_tasks", password: "p/w@rd", database: "orchestrator"))
    }

    @Test func defaultsThePortAndAllowsNoPassword() throws {
        let url = try DatabaseURL(parsing: "postgresql://reader@localhost/metrics")
        #expect(url.port == 5432)
        #expect(url.password == nil)
    }

    @Test(arguments: [
        "", "localhost:5432", "mysql://u:p@h/db", "postgres://u:p@h:5432", "postgres://u:p@h:5432/",
        "postgres://:p@h/db", "postgres://u:p@h:99999/db",
    ])
    func refusesUnusableAddresses(text: String) {
        #expect(throws: DatabaseURL.InvalidURL.self) { try DatabaseURL(parsing: text) }
    }

    @Test func readsTheTransportSecurityLibpqSpells() throws {
        #expect(try DatabaseURL(parsing: "postgres://u:p@h/db").tls == .disable)
        #expect(try DatabaseURL(parsing: "postgres://u:p@h/db?sslmode=disable").tls == .disable)
        #expect(try DatabaseURL(parsing: "postgres://u:p@h/db?sslmode=require").tls == .require)
        #expect(try DatabaseURL(parsing: "postgres://u:p@h/db?sslmode=verify-full").tls == .verifyFull(caFile: nil))
        let ca = FileManager.default.temporaryDirectory.appending(path: "ca-\(UUID().uuidString).pem")
        try Data("not read until a connection".utf8).write(to: ca)
        defer { try? FileManager.default.removeItem(at: ca) }
        #expect(
            try DatabaseURL(parsing: "postgres://u:p@h/db?sslmode=verify-full&sslrootcert=\(ca.path)").tls
                == .verifyFull(caFile: ca.path))
    }

    @Test(arguments: [
        ("postgres://u:p@h/db?sslmode=prefer", "sslmode must be"), ("postgres://u:p@h/db?sslmode=", "sslmode must be"),
        ("postgres://u:p@h/db?sslrootcert=/etc/ca.pem", "needs sslmode=verify-full"),
        ("postgres://u:p@h/db?sslmode=require&sslrootcert=/etc/ca.pem", "needs sslmode=verify-full"),
        ("postgres://u:p@h/db?sslmode=verify-full&sslrootcert=/no/such/ca.pem", "not a readable file"),
        ("postgres://u:p@h/db?application_name=x", "unknown parameter application_name"),
    ])
    func refusesTransportSettingsItCannotHonour(text: String, reason: String) {
        let error = #expect(throws: DatabaseURL.InvalidURL.self) { try DatabaseURL(parsing: text) }
        #expect(error?.description.contains(reason) == true, "\(error?.description ?? "")")
    }

    /// A service's pool keeps one connection open, not all of them: PostgresNIO 1.33 stops the
    /// process when a restart of the server leaves its pool below a higher minimum
    /// (docs/architecture.md, "Reliability of the connections").
    @Test func aServicePoolKeepsOneConnectionOpenAndPingsNone() throws {
        let options = try DatabaseURL(parsing: "postgres://u:p@h/db").servicePoolConfiguration(connections: 10).options
        #expect(options.minimumConnections == 1)
        #expect(options.maximumConnections == 10)
        #expect(options.keepAliveBehavior == nil)
    }
}
