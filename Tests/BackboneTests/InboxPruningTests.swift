import EventBackbone
import Foundation
import PostgresNIO
import Testing

@Suite(.enabled(if: TestServers.configured, "needs the servers compose/local test starts"), .serialized)
struct InboxPruningTests {
    @Test func onlyRowsOlderThanTheRetentionGoInChunks() async throws {
        let logger = TestServers.logger
        let client = PostgresClient(configuration: TestServers.databaseURL.clientConfiguration, backgroundLogger: logger)
        try await TestServers.running([client]) {
            let schema = try await TestServers.makeSchema(client)
            // Five rows eight days old, one six days old, one a minute old.
            for age in ["8 days", "8 days", "8 days", "8 days", "8 days", "6 days", "1 minute"] {
                try await client.query(
                    PostgresQuery(
                        unsafeSQL: """
                            INSERT INTO \(schema).inbox (queue, message_id, handled_at) VALUES ('q', gen_random_uuid(), now() - interval '\(age)')
                            """))
            }
            var inbox = Inbox(schema: schema, retention: .seconds(7 * 86_400))
            inbox.chunk = 2
            #expect(try await inbox.prune(client, logger: logger) == 5)
            #expect(try await TestServers.count("SELECT count(*) FROM \(schema).inbox", client) == 2)
            #expect(try await inbox.prune(client, logger: logger) == 0)
            try await TestServers.dropSchema(schema, client)
        }
    }
}
