import EventBackbone
import EventContracts
import Foundation
import Logging
import Persistence
import PostgresNIO

/// Writes each event once per audience into the notification log, under a monotonic cursor.
/// The log is shared by every notifier replica; a statement that writes rows NOTIFYs the others
/// on commit — only when another replica's feed session is there to hear it (`FeedSignal`).
struct NotificationLog: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// Told before each batch's statement (`FeedHub.writing`), then given the rows it inserted,
    /// in cursor order, once they committed — none if it failed: this replica's hub posts them
    /// without reading them back (`FeedHub.handed`).
    var storing: (@Sendable () -> Void)?
    var stored: (@Sendable ([FeedHub.Entry]) -> Void)?
    /// Whether another replica's feed session may be listening (`FeedSignal.othersMayListen`):
    /// the log's wake-up is sent only then.
    var othersMayListen: @Sendable () -> Bool = { true }

    /// The event types that reach someone's feed.
    static let feed: [any EventPayload.Type] = [
        TaskCreated.self, TaskAssigned.self, TaskAssignmentRejected.self, TaskAccepted.self, TaskProgressed.self,
        TaskCompleted.self, TaskFailed.self, TaskRequeued.self, TaskCancelled.self, TaskEdited.self, TaskOverdue.self, TaskFlagged.self,
        TaskCommented.self, PresenceOnline.self, PresenceOffline.self, EmployeeAvailabilityChanged.self, EmployeeGone.self,
        ReservationExpired.self, AnalyticsUpdated.self, AssignmentRefused.self,
    ]
    static let feedTypes = feed.map { $0.eventType }

    var handlers: EventHandlers {
        var handlers = EventHandlers()
        handlers.onClaimingBatch(Self.feedTypes) { claim, events, connection in try await store(events, claim: claim, on: connection) }
        return handlers
    }

    /// Stores a batch of events, a row per event and audience, in order, in one autocommitted
    /// statement that also records them in the inbox (`claim`): only the events that statement
    /// claims for the first time are written. An event without a data object is poison (the
    /// batch then goes again one by one, and only it is dead-lettered).
    func store(_ events: [IncomingEvent], claim: InboxClaim, on connection: PostgresConnection) async throws {
        var ids: [UUID] = [], audiences: [String] = [], types: [String] = [], times: [Date] = [], payloads: [String] = []
        for event in events {
            let feedEvent = try FeedEvent(event)
            for audience in feedEvent.audiences.map(\.key).sorted() {
                ids.append(event.id)
                audiences.append(audience)
                types.append(event.type)
                times.append(feedEvent.occurredAt)
                payloads.append(feedEvent.data)
            }
        }
        // One statement: claim the batch in the inbox, take the writers' lock, then insert the
        // claimed events' rows in order. One writer at a time until commit makes cursors visible
        // in order, so a reader that asks for everything after the last cursor it saw never skips
        // a row that committed late. It NOTIFYs (on commit) the newest row it wrote — only when a
        // feed session of another replica may be listening (`FeedSignal`): PostgreSQL wakes every
        // session LISTENing in the database for every notification, whatever its channel (each
        // service's relay and token cut-offs: ten sessions, half of all transactions at low
        // rates, docs/benchmarks.md), and this replica's own hub and long polls are woken in
        // memory (`stored`). A replica whose session begins listening while a statement runs
        // misses that one wake-up; its hub reads the log when it begins listening and at least
        // once a second.
        storing?()
        var entries: [FeedHub.Entry] = []
        defer { stored?(entries) }
        let inserted = try await connection.rows(
            of: Store(
                query: """
                    WITH claimed AS (
                        INSERT INTO \(unescaped: claim.inbox) (queue, message_id)
                        SELECT \(claim.queue), id FROM unnest(\(claim.ids)::uuid[]) AS message(id)
                        ON CONFLICT DO NOTHING RETURNING message_id
                    ), writer AS (SELECT pg_advisory_xact_lock(\(Self.writerLock))
                    ), inserted AS (
                        INSERT INTO notifier.notifications (event_id, audience, type, occurred_at, data)
                        SELECT entry.event_id, entry.audience, entry.type, entry.occurred_at, entry.data
                        FROM writer, unnest(\(ids)::uuid[], \(audiences)::text[], \(types)::text[], \(times)::timestamptz[], \(payloads)::text[])
                            WITH ORDINALITY AS entry(event_id, audience, type, occurred_at, data, n)
                        WHERE entry.event_id IN (SELECT message_id FROM claimed)
                        ORDER BY entry.n
                        RETURNING cursor, event_id, audience
                    ), announced AS (
                        SELECT pg_notify(\(FeedSignal.channel), max(cursor)::text) FROM inserted
                        HAVING count(*) > 0 AND \(othersMayListen())
                    )
                    SELECT cursor, event_id, audience FROM inserted WHERE (SELECT count(*) FROM announced) >= 0
                    """), logger: logger)
        // The statement committed (it runs alone, autocommitted): its rows are in the log.
        guard stored != nil, !inserted.isEmpty else { return }
        let committedAt = HopLatency.now()
        var index: [Key: Int] = [:]
        for position in ids.indices { index[Key(event: ids[position], audience: audiences[position])] = position }
        var handed: [FeedHub.Entry] = []
        for row in inserted {
            let (cursor, event, audience) = try row.decode((Int64, UUID, String).self)
            guard let position = index[Key(event: event, audience: audience)] else { continue }
            var notification = Notification(cursor: cursor, type: types[position], occurredAt: times[position], data: payloads[position])
            notification.committedAt = committedAt
            handed.append(FeedHub.Entry(audience: audience, notification: notification))
        }
        entries = handed.sorted { $0.notification.cursor < $1.notification.cursor }
    }

    private struct Key: Hashable {
        let event: UUID
        let audience: String
    }

    // The hot statements, prepared once per connection: a batch's write, the hub's read.
    private struct Store: PreparedSQL { let query: PostgresQuery }
    private struct Everything: PreparedSQL { let query: PostgresQuery }

    /// The transaction-level advisory lock that serialises writers of the log.
    static let writerLock: Int64 = 0x6E6F_7469_6669_6572  // "notifier"

    /// One entry of a feed: `{"cursor", "type", "occurredAt", "data"}` (docs/notifications.md, "Messages").
    struct Notification: Sendable, Equatable {
        let cursor: Int64
        /// The message as clients receive it; the event's `data` is passed through untouched.
        let json: String
        /// When this replica's writer committed it (`HopLatency.now()`), for a notification
        /// handed to the hub by its own writer; nil when read from the log. Not part of equality.
        var committedAt: Int64?

        static func == (left: Notification, right: Notification) -> Bool {
            left.cursor == right.cursor && left.json == right.json
        }

        init(cursor: Int64, type: String, occurredAt: Date, data: String) {
            self.cursor = cursor
            let type = String(decoding: (try? EventCoding.encoder().encode(type)) ?? Data("\"\"".utf8), as: UTF8.self)
            json = #"{"cursor":\#(cursor),"type":\#(type),"occurredAt":"\#(EventCoding.timestamp(occurredAt))","data":\#(data)}"#
        }
    }

    func after(_ cursor: Int64, for audience: Audience, limit: Int) async throws -> [Notification] {
        let rows = try await client.query(
            """
            SELECT cursor, type, occurred_at, data FROM notifier.notifications
            WHERE audience = \(audience.key) AND cursor > \(cursor) ORDER BY cursor LIMIT \(limit)
            """,
            logger: logger
        )
        var notifications: [Notification] = []
        for try await (cursor, type, occurredAt, data) in rows.decode((Int64, String, Date, String).self) {
            notifications.append(Notification(cursor: cursor, type: type, occurredAt: occurredAt, data: data))
        }
        return notifications
    }

    /// Every audience's entries after `cursor`, in order.
    func everything(after cursor: Int64, limit: Int) async throws -> [FeedHub.Entry] {
        let rows = try await client.rows(
            of: Everything(
                query: """
                    SELECT cursor, audience, type, occurred_at, data FROM notifier.notifications
                    WHERE cursor > \(cursor) ORDER BY cursor LIMIT \(limit)
                    """), logger: logger)
        var entries: [FeedHub.Entry] = []
        for row in rows {
            let (cursor, audience, type, occurredAt, data) = try row.decode((Int64, String, String, Date, String).self)
            entries.append(
                FeedHub.Entry(
                    audience: audience, notification: Notification(cursor: cursor, type: type, occurredAt: occurredAt, data: data)))
        }
        return entries
    }

    func latestCursor() async throws -> Int64 {
        try await client.query("SELECT coalesce(max(cursor), 0)::bigint FROM notifier.notifications", logger: logger)
            .collect().first?.decode(Int64.self) ?? 0
    }

    /// Drops what is older than `retention`.
    func prune(olderThan retention: Duration) async throws {
        try await client.query(
            "DELETE FROM notifier.notifications WHERE stored_at < now() - make_interval(secs => \(Double(retention.components.seconds)))",
            logger: logger
        )
    }
}
