import Logging
import Persistence
import PostgresNIO
import Testing

@Suite(.enabled(if: TestDatabase.isConfigured, "needs ORCH_TEST_DATABASE_URL (compose/local test sets it)"))
struct MigrationRunnerTests {
    let logger = Logger(label: "migrations-test")

    func migrations(_ schema: String) -> [Migration] {
        [
            Migration(
                version: 2, name: "create widgets",
                statements: [
                    "CREATE TABLE \(schema).widgets (id integer PRIMARY KEY, name text NOT NULL)",
                    "CREATE INDEX widgets_name ON \(schema).widgets (name)",
                ]),
            Migration(
                version: 3, name: "add colour",
                statements: [
                    "ALTER TABLE \(schema).widgets ADD COLUMN colour text"
                ]),
        ]
    }

    func dropSchema(_ schema: String, _ client: PostgresClient) async throws {
        try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(schema) CASCADE"))
    }

    @Test func createsTheSchemaAndAppliesEachMigrationOnce() async throws {
        let schema = TestDatabase.uniqueSchema()
        try await TestDatabase.withClient { client in
            let runner = MigrationRunner(schema: schema, migrations: migrations(schema))
            #expect(try await runner.run(on: client, logger: logger) == [2, 3])
            #expect(try await runner.run(on: client, logger: logger) == [])
            try await client.query(PostgresQuery(unsafeSQL: "INSERT INTO \(schema).widgets (id, name, colour) VALUES (1, 'a', 'red')"))
            let versions = try await client.query(
                PostgresQuery(unsafeSQL: "SELECT version FROM \(schema).schema_migrations ORDER BY version")
            )
            .collect().map { try $0.decode(Int.self) }
            #expect(versions == [1, 2, 3])
            try await dropSchema(schema, client)
        }
    }

    @Test func appliesOnlyWhatIsNew() async throws {
        let schema = TestDatabase.uniqueSchema()
        try await TestDatabase.withClient { client in
            let all = migrations(schema)
            #expect(try await MigrationRunner(schema: schema, migrations: Array(all.prefix(1))).run(on: client, logger: logger) == [2])
            #expect(try await MigrationRunner(schema: schema, migrations: all).run(on: client, logger: logger) == [3])
            try await dropSchema(schema, client)
        }
    }

    @Test func replicasStartingTogetherApplyEachMigrationOnce() async throws {
        let schema = TestDatabase.uniqueSchema()
        try await TestDatabase.withClient { client in
            let runner = MigrationRunner(schema: schema, migrations: migrations(schema))
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 { group.addTask { try await runner.run(on: client, logger: logger) } }
                return try await group.reduce(into: [Int]()) { $0 += $1 }
            }
            #expect(applied.sorted() == [2, 3])
            try await dropSchema(schema, client)
        }
    }

    @Test func aFailingMigrationLeavesNothingHalfApplied() async throws {
        let schema = TestDatabase.uniqueSchema()
        try await TestDatabase.withClient { client in
            let broken = [
                Migration(
                    version: 2, name: "half",
                    statements: [
                        "CREATE TABLE \(schema).first (id integer)",
                        "CREATE TABLE \(schema).first (id integer)",
                    ])
            ]
            await #expect(throws: (any Error).self) {
                try await MigrationRunner(schema: schema, migrations: broken).run(on: client, logger: logger)
            }
            let tables = try await client.query("SELECT count(*) FROM pg_tables WHERE schemaname = \(schema)").collect()
            #expect(try tables.first?.decode(Int.self) == 0)
            try await dropSchema(schema, client)
        }
    }
}
