import Logging
import PostgresNIO

/// The ids of the messages a service has handled (`<schema>.inbox`, written by `EventConsumer`
/// with each handler's effect). A row is needed only while its message could still come back:
/// the broker redelivers what was unacknowledged when a connection dropped (seconds to minutes
/// after the commit), a retried message returns after `retryDelay`. Older rows are pruned, so
/// the table and its index stay the size of the recent traffic rather than of all history.
public struct Inbox: Sendable {
    public let schema: String
    /// Rows younger than this are never pruned. The default, a week, is far beyond any redelivery.
    public var retention: Duration
    /// Rows deleted per statement, so a first prune of a large table does not hold locks long.
    public var chunk = 10_000

    public static let defaultRetention: Duration = .seconds(7 * 86_400)

    public init(schema: String, retention: Duration = Inbox.defaultRetention) {
        self.schema = schema
        self.retention = retention
    }

    /// Deletes the rows older than `retention`, a chunk at a time; returns how many.
    @discardableResult
    public func prune(_ client: PostgresClient, logger: Logger) async throws -> Int {
        var pruned = 0
        while true {
            let rows = try await client.query(
                """
                WITH gone AS (
                    DELETE FROM \(unescaped: schema).inbox WHERE ctid IN (
                        SELECT ctid FROM \(unescaped: schema).inbox
                        WHERE handled_at < now() - make_interval(secs => \(Double(retention.components.seconds)))
                        LIMIT \(chunk))
                    RETURNING 1)
                SELECT count(*)::int FROM gone
                """,
                logger: logger
            ).collect()
            let deleted = try rows.first?.decode(Int.self) ?? 0
            pruned += deleted
            if deleted < chunk { return pruned }
        }
    }
}
