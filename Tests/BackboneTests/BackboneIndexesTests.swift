import EventBackbone
import PostgresNIO
import Testing

/// Every index on the outbox and the inbox is paid for by every event and every delivery: the
/// backbone's tables carry only those a query uses (`BackboneMigrations.leanIndexes`).
@Suite(.enabled(if: TestServers.configured, "needs the servers compose/local test starts"), .serialized)
struct BackboneIndexesTests {
    @Test func theOutboxAndTheInboxCarryOnlyTheIndexesTheirQueriesUse() async throws {
        let client = PostgresClient(configuration: TestServers.databaseURL.clientConfiguration, backgroundLogger: TestServers.logger)
        try await TestServers.running([client]) {
            let schema = try await TestServers.makeSchema(client)
            let rows = try await client.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT i.relname, am.amname FROM pg_index x
                        JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
                        JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am am ON am.oid = i.relam
                        WHERE n.nspname = '\(schema)' AND t.relname IN ('outbox', 'inbox') ORDER BY 1
                        """)
            ).collect()
            let indexes = try rows.map { try $0.decode((String, String).self) }.map { "\($0.0) \($0.1)" }
            #expect(indexes == ["inbox_handled_at brin", "inbox_pkey btree", "outbox_pkey btree"])
            try await TestServers.dropSchema(schema, client)
        }
    }
}
