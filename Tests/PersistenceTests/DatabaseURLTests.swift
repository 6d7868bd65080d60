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
