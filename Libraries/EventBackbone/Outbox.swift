import EventContracts
import Foundation
import Logging
import Persistence
import PostgresNIO

/// Writes events into a service's outbox, inside the caller's transaction: they leave for the
/// broker if and only if that transaction commits. A request handler never publishes directly.
public struct Outbox: Sendable {
    public let schema: String

    public init(schema: String) {
        self.schema = schema
    }

    /// The NOTIFY channel on which a standby replica's relay passes a commit's wake-up on to the
    /// active relay.
    public static func channel(_ schema: String) -> String { "\(schema)_outbox" }

    /// Events were written into this outbox on the current connection, at these positions
    /// (`RETURNING event_id, position` matched back by id): once they commit they are handed to
    /// this process's relay (see ``AfterCommit``), which sends them without reading the table.
    /// `append` calls it; a statement that inserts into the outbox itself (a data-modifying CTE)
    /// calls it after running.
    public func written(_ events: [EncodedEvent], positions: [UUID: Int64]) {
        let rows = events.compactMap { event in positions[event.id].map { HandedRow(position: $0, event: event) } }
        let schema = schema
        AfterCommit.perform { RelayRegistry.handOver(rows, schema: schema) }
    }

    /// Appends events in order, on `connection`, which must be inside the caller's transaction
    /// (`PostgresClient.transaction`, whose commit hands them to the relay).
    public func append(_ events: [EncodedEvent], on connection: PostgresConnection, logger: Logger) async throws {
        guard !events.isEmpty else { return }
        let rows = try await connection.query(
            """
            INSERT INTO \(unescaped: schema).outbox (event_id, event_type, body, traceparent)
            SELECT id, type, body, NULLIF(traceparent, '')
            FROM unnest(\(events.map(\.id))::uuid[], \(events.map(\.type))::text[], \(events.map(\.body))::text[],
                        \(events.map(\.traceparentText))::text[])
                WITH ORDINALITY AS event(id, type, body, traceparent, n)
            ORDER BY n
            RETURNING event_id, position
            """,
            logger: logger
        ).collect()
        written(events, positions: try Self.positions(rows))
    }

    /// The positions an outbox insert returned (`RETURNING event_id, position`), by event id.
    public static func positions(_ rows: [PostgresRow]) throws -> [UUID: Int64] {
        var positions: [UUID: Int64] = [:]
        for row in rows {
            let (id, position) = try row.decode((UUID, Int64).self)
            positions[id] = position
        }
        return positions
    }

    public func append<Payload>(_ envelope: EventEnvelope<Payload>, on connection: PostgresConnection, logger: Logger) async throws {
        try await append([try EncodedEvent(envelope)], on: connection, logger: logger)
    }
}
