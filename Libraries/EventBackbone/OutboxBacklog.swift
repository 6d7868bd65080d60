import Metrics
import PostgresNIO

/// What a service's outbox holds that the broker has not confirmed yet, as gauges refreshed at
/// scrape time (docs/operations.md): `orchestrator_outbox_pending_events` and
/// `orchestrator_outbox_oldest_pending_age_seconds` (0 when empty). Every replica of a service
/// reports the same table; a relay that stops draining shows as an age that keeps growing.
public struct OutboxBacklog: Sendable {
    public static let pendingEvents = "orchestrator_outbox_pending_events"
    public static let oldestAge = "orchestrator_outbox_oldest_pending_age_seconds"

    let schema: String
    private let pending = Gauge(label: OutboxBacklog.pendingEvents)
    private let oldest = Gauge(label: OutboxBacklog.oldestAge)

    public init(schema: String) {
        self.schema = schema
    }

    /// One read of the table (its rows are deleted once confirmed, so it holds few).
    public func refresh(on database: PostgresClient) async throws {
        let rows = try await database.query(
            """
            SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8
            FROM \(unescaped: schema).outbox
            """
        )
        for try await (count, age) in rows.decode((Int64, Double).self) {
            pending.record(count)
            oldest.record(age)
        }
    }
}
