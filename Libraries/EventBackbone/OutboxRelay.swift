import Foundation
import Logging
import Messaging
import Metrics
import Persistence
import PostgresNIO
import Resilience
import ServiceLifecycle
import Synchronization
import Telemetry

/// Publishes a service's outbox to the broker, in order, with confirms, and marks what it sent.
///
/// Of all the replicas of a service exactly one relay is active: the one whose dedicated
/// database session holds the schema's advisory lock. The others stand by and try again every
/// second; when the active one dies its session ends, the lock is free, and one takes over — so
/// events keep leaving in commit order. A session that stops making progress (a hung query) is
/// abandoned and a new one started.
///
/// A commit that wrote the outbox hands its rows to this process's relay directly
/// (``Outbox/written(_:positions:)``), with no NOTIFY in the writing transaction; the relay sends
/// them without reading the table when nothing below them is missing (``RelayWindow``), and reads
/// it otherwise. A standby passes such a wake on to the active relay with a NOTIFY of its own,
/// which the active relay LISTENs for; and the active relay looks every `idleCheck` for rows
/// nobody handed it (a process without a relay, a crash between commit and hand-over).
/// Confirmed rows are deleted.
public final class OutboxRelay: Service, Sendable {
    public struct Options: Sendable {
        public var batchSize = 500
        /// Batches sent and not yet confirmed, at most.
        public var maxInFlight = 8
        /// How long after a confirm the confirmed rows are deleted (one DELETE for all that came
        /// meanwhile). Each DELETE is a commit, flushed to disk: at 50 ms the relays of tasks and
        /// the scheduler committed one per lifecycle each at 20/s. Until deleted, confirmed rows
        /// are only skipped by reads; a crash in between sends them again, and consumers drop
        /// the duplicates.
        public var markInterval: Duration = .milliseconds(250)
        /// How often the active relay looks for rows nobody woke it for.
        public var idleCheck: Duration = .seconds(1)
        public var standbyCheck: Duration = .seconds(1)
        /// How long a missing position holds back the rows handed over above it (each then costs
        /// a read of the table) before it is given up on: longer than any transaction that writes
        /// the outbox, since a row committed after its gap was given up on may leave after a later
        /// row of its task (docs/events.md).
        public var gapLimit: Duration = .seconds(5)
        /// How long rows handed over above a missing position wait for it to be handed over too
        /// before the table is read. With one replica a gap is this process's own concurrent
        /// transaction (or a rollback); one that commits within the grace costs no read — at
        /// 150 lifecycles/s the tasks relay read its table for one lifecycle in two, 200 index
        /// entries a read, most of them deleted rows (docs/benchmarks.md, "thirteenth session").
        /// A NOTIFY (another replica's rows) or a full mailbox still reads at once.
        public var gapGrace: Duration = .milliseconds(3)
        public var backoff = Backoff(initial: .milliseconds(100), multiplier: 2, maximum: .seconds(5))
        /// A batch not confirmed within this ends the session, which sends it again: a confirm
        /// that never comes must not hold the relay (consumers drop the duplicates).
        public var confirmTimeout: Duration = .seconds(30)
        /// A session that makes no progress for this long — a query on a connection PostgreSQL
        /// closed at the wrong moment can hang for good, past cancellation — is given up and a
        /// new one started (the restart drill found a relay silent for minutes). Must be well
        /// above `idleCheck` and `standbyCheck`, at which an idle session still shows progress.
        public var stallLimit: Duration = .seconds(10)
        public init() {}
    }

    private let schema: String
    private let database: DatabaseURL
    private let publisher: AMQPConnection
    private let options: Options
    private let logger: Logger
    private let active = Mutex(false)
    /// What the commits of this process hand over (``RelayRegistry``) and the standby replicas'
    /// NOTIFYs ask for.
    private let mailbox = RelayMailbox()
    private var wake: WakeSignal { mailbox.wake }
    /// Reads of the table, for the tests: a hand-over with nothing missing below it costs none.
    let reads = Atomic<Int>(0)
    private let sendDelay = Timer(label: HopLatency.outboxSend, preferredDisplayUnit: .seconds)
    /// Events sent, confirmed by the broker, and in a batch that failed (refused, unconfirmed
    /// in time, the connection lost): the failed ones are sent again by the next session.
    private let published = Counter(label: "orchestrator_events_published_total")
    private let confirmed = Counter(label: "orchestrator_events_confirmed_total")
    private let failed = Counter(label: "orchestrator_events_publish_failed_total")

    public init(schema: String, database: DatabaseURL, publisher: AMQPConnection, options: Options = Options(), logger: Logger) {
        self.schema = schema
        self.database = database
        self.publisher = publisher
        self.options = options
        self.logger = logger
    }

    /// Whether this replica's relay is the active one.
    public var isActive: Bool { active.withLock { $0 } }

    public func run() async throws {
        RelayRegistry.register(mailbox, schema: schema)
        defer { RelayRegistry.unregister(mailbox, schema: schema) }
        await cancelWhenGracefulShutdown {
            var attempt = 0
            while !Task.isCancelled {
                do {
                    try await self.session()
                    attempt = 0
                } catch is CancellationError where Task.isCancelled {
                    break
                } catch {
                    // A CancellationError while nobody cancelled this task came from a part of
                    // the session that was given up on; the relay goes on like after any failure
                    // (ending, it would take the whole service down with it).
                    self.active.withLock { $0 = false }
                    let delay = self.options.backoff.delay(attempt: attempt)
                    self.logger.warning(
                        "outbox relay interrupted", metadata: ["error": "\(String(reflecting: error))", "retry.in": "\(delay)"])
                    attempt += 1
                    try? await Task.sleep(for: delay)
                }
            }
            self.active.withLock { $0 = false }
        }
    }

    /// One database session: wait to lead, then relay until something breaks — or stops making
    /// progress for `stallLimit`, when it is left behind, its connection closed without waiting.
    private func session() async throws {
        let heartbeat = Heartbeat()
        let opened = Mutex<PostgresConnection?>(nil)
        do {
            try await withWatchdog(heartbeat, limit: options.stallLimit) {
                let connection = try await PostgresConnection.connect(
                    configuration: self.database.connectionConfiguration, id: 1, logger: self.logger
                )
                opened.withLock { $0 = connection }
                // The outbox churns — every row is deleted a moment after it is inserted — so its
                // heap is mostly dead tuples, and with the default cost of a random page (4) the
                // planner read all of it for the few live rows rather than walk the primary key:
                // 1.1 ms a read at 60/s, 0.13 ms with the index (docs/benchmarks.md). The table is
                // always in memory, where a random page costs what a sequential one does.
                try await connection.query("SET random_page_cost = 1.1", logger: self.logger)
                // Ending the session, however it ends, releases the advisory lock for a standby to take.
                do {
                    try await self.lead(on: connection, heartbeat: heartbeat)
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            }
        } catch let error as StalledError {
            if let connection = opened.withLock({ $0 }) { connection.closeWithoutWaiting() }
            throw error
        }
    }

    private func lead(on connection: PostgresConnection, heartbeat: Heartbeat) async throws {
        try await waitForLeadership(on: connection, heartbeat: heartbeat)
        active.withLock { $0 = true }
        logger.info("outbox relay active", metadata: ["schema": "\(schema)"])
        try await connection.listen(on: Outbox.channel(schema)) { notifications in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await _ in notifications { self.mailbox.askToRead() }
                }
                group.addTask { try await self.relay(on: connection, heartbeat: heartbeat) }
                defer { group.cancelAll() }
                try await group.next()
            }
        }
    }

    /// Tries for the lock every `standbyCheck`; meanwhile passes this process's commits on to the
    /// active relay (a NOTIFY per wake-up, however many commits it stands for).
    private func waitForLeadership(on connection: PostgresConnection, heartbeat: Heartbeat) async throws {
        while true {
            heartbeat.beat()
            let rows = try await connection.query(
                "SELECT pg_try_advisory_lock(hashtext(\("outbox-relay:" + schema)))", logger: logger
            ).collect()
            if try rows.first?.decode(Bool.self) == true { return }
            let next = ContinuousClock.now + options.standbyCheck
            while case let left = next - .now, left > .zero {
                guard await wake.wait(timeout: left) else { break }
                try Task.checkCancellation()
                _ = mailbox.take(upTo: .max)  // sent by the active relay, elsewhere
                try await connection.query("SELECT pg_notify(\(Outbox.channel(schema)), '')", logger: logger)
            }
            try Task.checkCancellation()
        }
    }

    /// Sends rows as they commit without waiting for earlier batches' confirms (up to
    /// `maxInFlight` batches at once) — handed over when nothing below them is missing, read from
    /// the table otherwise; confirmed rows are deleted in bulk `markInterval` after a confirm.
    /// A failed batch ends the session; the next session sends again whatever is still there,
    /// and consumers drop the duplicates.
    private func relay(on connection: PostgresConnection, heartbeat: Heartbeat) async throws {
        let inFlight = InFlightBatches()
        // Pipelined batches keep their order only if none is sent after one that failed.
        let sequence = PublishSequence()
        var window = RelayWindow(gapLimit: options.gapLimit)
        // What was handed over before this session is in the table, which it reads first.
        mailbox.clear()
        var mustRead = true
        // Handed over above a missing position, waiting up to `gapGrace` for it to be handed over.
        var held = HeldRows()
        try await withThrowingDiscardingTaskGroup { group in
            // A failed delete ends the session the way a failed publish does, through `inFlight`:
            // thrown from a child, it would only cancel this loop, which then threw a
            // CancellationError instead of the error that ended it.
            group.addTask { [wake] in
                do {
                    try await self.deleteConfirmed(inFlight, on: connection)
                } catch {
                    inFlight.fail(error)
                    wake.signal()
                }
            }
            while true {
                heartbeat.beat()
                try Task.checkCancellation()
                if let failure = inFlight.failure { throw failure }
                guard inFlight.count < options.maxInFlight else {
                    // A confirm that frees a place wakes us.
                    await wake.wait(timeout: options.idleCheck)
                    continue
                }
                let handed = mailbox.take(upTo: options.batchSize - held.rows.count)
                mustRead = mustRead || handed.read
                let rows = held.rows + handed.rows
                let firstCommit = [held.firstCommit, handed.firstCommit].compactMap { $0 }.min()
                var batch: [PendingEvent] = []
                let now = ContinuousClock.now
                if !mustRead, !rows.isEmpty, let admitted = window.admit(rows.map(\.position), at: now) {
                    held = HeldRows()
                    let send = Set(admitted)
                    batch = rows.filter { send.contains($0.position) }.sorted { $0.position < $1.position }.map(PendingEvent.init)
                } else if !mustRead, !rows.isEmpty, window.isSettled(at: now), rows.count < options.batchSize,
                    case let waited = now - (held.since ?? now), waited < options.gapGrace
                {
                    // A position below them is missing: most likely a transaction of this process
                    // committing a moment later, whose hand-over (or a confirm, or the grace's
                    // end) wakes us.
                    held = HeldRows(rows: rows, since: held.since ?? now, firstCommit: firstCommit)
                    await wake.wait(timeout: options.gapGrace - waited)
                    continue
                } else if mustRead || !rows.isEmpty {
                    held = HeldRows()
                    batch = try await pending(on: connection, excluding: inFlight.positions)
                    // A full batch may not be all there is.
                    mustRead = batch.count == options.batchSize
                }
                if !batch.isEmpty {
                    let positions = batch.map(\.position)
                    // A session given up on while its read hung must not publish beside its successor.
                    try Task.checkCancellation()
                    let sentAt = HopLatency.now()
                    let receipt = publisher.send(batch.map { $0.message(stampedWith: .integer(sentAt)) }, in: sequence)
                    if let committed = firstCommit { sendDelay.recordNanoseconds(max(0, sentAt - committed) * 1_000) }
                    published.increment(by: positions.count)
                    inFlight.add(positions)
                    window.sent(positions, at: .now)
                    group.addTask { [options, wake, confirmed, failed] in
                        do {
                            try await withDeadline(options.confirmTimeout) { try await receipt.confirmed() }
                            confirmed.increment(by: positions.count)
                            if inFlight.confirm(positions) == options.maxInFlight - 1 { wake.signal() }
                        } catch {
                            failed.increment(by: positions.count)
                            inFlight.fail(error)
                            wake.signal()
                        }
                    }
                }
                // Nothing more to do: no second look until a commit hands something over (one that
                // came meanwhile has rung already, so none is missed) or the poll is due.
                if !mustRead, mailbox.isEmpty, await !wake.wait(timeout: options.idleCheck) { mustRead = true }
            }
        }
    }

    private func deleteConfirmed(_ inFlight: InFlightBatches, on connection: PostgresConnection) async throws {
        while true {
            // Asleep until a confirm comes, then a moment more to gather the ones that follow.
            // (A cancelled wait returns at once: the check keeps an ended session from spinning.)
            try Task.checkCancellation()
            guard await inFlight.confirmations.wait(timeout: options.idleCheck) else { continue }
            try await Task.sleep(for: options.markInterval)
            let positions = inFlight.toMark
            guard !positions.isEmpty else { continue }
            // Bounded: a hung delete would hold the session's task group open for good.
            try await withDeadline(options.stallLimit) {
                try await connection.query(
                    "DELETE FROM \(unescaped: self.schema).outbox WHERE position = ANY(\(positions))", logger: self.logger
                )
            }
            inFlight.marked(positions)
        }
    }

    /// Rows handed over that wait for a missing position below them, since when, and the
    /// earliest commit among them.
    private struct HeldRows {
        var rows: [HandedRow] = []
        var since: ContinuousClock.Instant?
        var firstCommit: Int64?
    }

    private struct PendingEvent {
        let position: Int64
        let message: OutgoingMessage

        init(_ row: HandedRow) {
            self.init(
                position: row.position, id: row.event.id, type: row.event.type, body: row.event.body, traceparent: row.event.traceparent)
        }

        /// The event's message: its id and type as properties, its trace in the `traceparent` header.
        init(position: Int64, id: UUID, type: String, body: String, traceparent: String?) {
            self.position = position
            message = OutgoingMessage(
                exchange: Exchanges.events, routingKey: type, body: Array(body.utf8), messageId: id.uuidString, type: type,
                headers: traceparent.map { [TraceParent.headerName: .string($0)] } ?? [:]
            )
        }

        func message(stampedWith stamp: HeaderValue) -> OutgoingMessage {
            var message = message
            message.headers[HopLatency.publishedAtHeader] = stamp
            return message
        }
    }

    /// Unpublished rows in order, leaving out those already on their way.
    private func pending(on connection: PostgresConnection, excluding inFlight: [Int64]) async throws -> [PendingEvent] {
        reads.add(1, ordering: .relaxed)
        let rows = try await connection.query(
            """
            SELECT position, event_id, event_type, body, traceparent FROM \(unescaped: schema).outbox
            WHERE position <> ALL(\(inFlight))
            ORDER BY position LIMIT \(options.batchSize)
            """,
            logger: logger
        )
        var events: [PendingEvent] = []
        for try await (position, id, type, body, traceparent) in rows.decode((Int64, UUID, String, String, String?).self) {
            events.append(PendingEvent(position: position, id: id, type: type, body: body, traceparent: traceparent))
        }
        return events
    }
}
