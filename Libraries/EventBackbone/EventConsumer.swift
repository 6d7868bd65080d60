import EventContracts
import Foundation
import Instrumentation
import Logging
import Messaging
import Persistence
import PostgresNIO
import Resilience
import ServiceLifecycle
import Telemetry

/// Consumes one durable queue, exactly once in effect: each message's handler runs in a
/// transaction that also records the message id in the service's inbox (or, for a claiming
/// handler, in one autocommitted statement that does both), and the message is acknowledged only
/// after that commits. A redelivered message finds its id in the
/// inbox and is acknowledged without running again.
///
/// Messages are taken in batches of whatever has arrived and handled in one transaction; when one
/// of them fails, the batch is rolled back and handled one message at a time, so the failure
/// touches nobody else. A failing message goes to `<queue>.retry`, which hands it back after a
/// delay, up to `maxAttempts`; then, or at once when it cannot be decoded, to `<queue>.dead`,
/// with the reason in its headers, whence the consumer moves it into the service's table of dead
/// letters for an admin to read, replay or discard (``DeadLetterStore``). While the database is
/// unreachable nothing is retried or dead-lettered: the consumer waits for it.
public final class EventConsumer: Service, Sendable {
    public struct Options: Sendable {
        public var maxAttempts = 5
        public var prefetch: UInt16 = 256
        public var batchSize = 128
        public var retryDelay: Duration = .milliseconds(500)
        public var backoff = Backoff(initial: .milliseconds(100), multiplier: 2, maximum: .seconds(5))
        /// For throw-away queues only (benchmarks, tests): deleted after this long unused.
        public var queueExpires: Duration?
        /// One replica at a time consumes (see ``QueueDeclaration/singleActiveConsumer``).
        public var singleActiveConsumer = false
        /// The longest one transaction of handlers may take. A query sent as PostgreSQL restarts
        /// can hang for good, past cancellation; after this the consumer stops waiting for it
        /// and handles the messages again (the drills found consumers stalled for ever).
        public var handlingTimeout: Duration = .seconds(15)
        /// How long a batch may gather: after its first delivery, the consumer waits up to this
        /// long for more (never past `batchSize`) before handling what came. Zero — the default —
        /// handles what has arrived at once, for consumers someone waits on. A consumer nobody
        /// waits on (analytics' figures) trades this much delay for fewer, larger batches: each
        /// batch is a turn of the consumer, a statement and a commit, whatever its size.
        public var gather: Duration = .zero
        public init() {}
    }

    public let queue: QueueDeclaration
    private let handlers: EventHandlers
    private let schema: String
    private let database: PostgresClient
    private let consumer: AMQPConnection
    private let publisher: AMQPConnection
    private let options: Options
    private let logger: Logger
    private let metrics: ConsumerMetrics
    private let deadLetters: DeadLetterStore

    public init(
        queue: String, queueType: QueueType, handlers: EventHandlers, schema: String, database: PostgresClient,
        consumer: AMQPConnection, publisher: AMQPConnection, options: Options = Options(), logger: Logger
    ) {
        self.queue = QueueDeclaration(
            name: queue, bindings: handlers.routingKeys, type: queueType, retryDelay: options.retryDelay,
            expires: options.queueExpires, singleActiveConsumer: options.singleActiveConsumer
        )
        self.handlers = handlers
        self.schema = schema
        self.database = database
        self.consumer = consumer
        self.publisher = publisher
        self.options = options
        self.metrics = ConsumerMetrics(queue: queue, types: handlers.routingKeys)
        self.deadLetters = DeadLetterStore(schema: schema, database: database, publisher: publisher, logger: logger)
        var logger = logger
        logger[metadataKey: "queue"] = "\(queue)"
        self.logger = logger
    }

    public func run() async {
        consumer.declare([queue])
        let deliveries = consumer.deliveries(from: queue.name, prefetch: options.prefetch)
        let dead = consumer.deliveries(from: queue.deadQueue, prefetch: 64)
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    while let letters = await dead.next(upTo: 64) { await self.keep(letters) }
                }
                while let first = await deliveries.next(upTo: self.options.batchSize) {
                    await self.process(await self.gathered(first, from: deliveries), arrivedBehind: deliveries)
                }
                group.cancelAll()
            }
        }
    }

    /// `batch` and what arrives within `options.gather` of it, up to `batchSize`.
    private func gathered(_ batch: [Delivery], from deliveries: DeliveryQueue) async -> [Delivery] {
        guard options.gather > .zero, batch.count < options.batchSize else { return batch }
        // Cancelled (shutting down): what has come is handled, and the next wait ends the loop.
        try? await Task.sleep(for: options.gather)
        var batch = batch
        // Only what is already there: `next` would wait for a delivery that may never come.
        if deliveries.backlog > 0, let more = await deliveries.next(upTo: options.batchSize - batch.count) {
            batch += more
        }
        return batch
    }

    /// Moves what reached `<queue>.dead` into the service's table of dead letters
    /// (``DeadLetterStore``), acknowledging it once stored; while the database is away it waits.
    private func keep(_ letters: [Delivery]) async {
        var attempt = 0
        while !Task.isCancelled {
            do {
                try await deadLetters.keep(letters)
                consumer.ack(letters)
                return
            } catch {
                let delay = options.backoff.delay(attempt: attempt)
                logger.warning("could not keep dead letters; will try again", metadata: ["error": "\(error)", "retry.in": "\(delay)"])
                attempt += 1
                try? await Task.sleep(for: delay)
            }
        }
    }

    private struct Item: Sendable {
        let delivery: Delivery
        let event: IncomingEvent
        let handler: EventHandlers.Handler
    }

    /// The deliveries that arrived behind the one a first try is offered, waiting for this
    /// consumer (0 when it is offered none): a first try that would hold the consumer longer than
    /// one statement (a whole round) can leave that to the usual way when others wait.
    @TaskLocal public static var waitingBehind = 0
    /// Where the batch being handled came from.
    @TaskLocal private static var arrivals: DeliveryQueue?

    /// Handles a batch taken from `queue`, which tells first tries what waits behind it.
    func process(_ deliveries: [Delivery], arrivedBehind queue: DeliveryQueue? = nil) async {
        metrics.delivered(deliveries)
        let started = FinishedSpan.now()
        var items: [Item] = []
        for delivery in deliveries {
            let attempt = Int(delivery.headers[DeliveryHeaders.attempt]?.integer ?? 0) + 1
            do {
                let (id, type) = try Self.identity(of: delivery)
                let key = Self.routingKey(of: delivery)
                guard type == key else {
                    await deadLetter(delivery, reason: PoisonMessage.mismatchedType(type, routingKey: key).reason, attempts: attempt)
                    continue
                }
                guard let handler = handlers.handler(for: type) else {
                    await deadLetter(delivery, reason: "no handler for \(type)", attempts: attempt)
                    continue
                }
                let event = IncomingEvent(id: id, type: type, body: delivery.body, attempt: attempt, trace: Self.trace(of: delivery))
                items.append(Item(delivery: delivery, event: event, handler: handler))
            } catch {
                await deadLetter(delivery, reason: "cannot decode the envelope: \(error)", attempts: attempt)
            }
        }
        let traced = items.filter { $0.event.trace != nil }
        guard !traced.isEmpty else {
            _ = await Self.$arrivals.withValue(queue) { await dispatch(items) }
            return
        }
        // What the handlers write continues each event's trace (`EncodedEvent`).
        let causes = Dictionary(traced.map { ($0.event.id, $0.event.trace!) }, uniquingKeysWith: { first, _ in first })
        let failures = await EventTrace.$causes.withValue(causes) { await Self.$arrivals.withValue(queue) { await dispatch(items) } }
        if SpanExport.isOn { recordSpans(traced, failures: failures, from: started) }
    }

    /// Handles a batch together where it can, each message alone otherwise; returns why each
    /// message that was not handled failed (retried or dead-lettered), by event id.
    private func dispatch(_ items: [Item]) async -> [UUID: String] {
        var items = items
        if items.count > 1 { items = await firstTryTogether(items) }
        if items.count > 1, let duplicates = try? await handle(items) {
            consumer.ack(items.map(\.delivery))
            acknowledged(items, duplicates: duplicates)
            return [:]
        }
        var failures: [UUID: String] = [:]
        for item in items {
            var context = InstrumentationContext.topLevel
            context.traceParent = item.event.trace
            // Its log lines say which trace they belong to.
            failures[item.event.id] = await InstrumentationContext.$current.withValue(context) { await handleAlone(item) }
        }
        return failures
    }

    /// The trace a delivery's handling belongs to: a new span, child of the one that published
    /// it, when spans are exported; the publisher's otherwise (its trace id is what travels on).
    static func trace(of delivery: Delivery) -> TraceParent? {
        guard let header = delivery.headers[TraceParent.headerName]?.string, let parent = TraceParent(header: header) else { return nil }
        return SpanExport.isOn && parent.sampled ? parent.child() : parent
    }

    /// A consumer span for each traced event, from the batch's arrival to now; an error for one
    /// that failed.
    private func recordSpans(_ items: [Item], failures: [UUID: String], from start: UInt64) {
        let end = FinishedSpan.now()
        for item in items {
            guard let own = item.event.trace, own.sampled,
                let parent = item.delivery.headers[TraceParent.headerName]?.string.flatMap(TraceParent.init(header:))
            else { continue }
            SpanExport.submit(
                FinishedSpan(
                    name: "process \(queue.name)", kind: .consumer, trace: own, parent: parent.spanId, start: start, end: end,
                    attributes: [
                        ("messaging.system", .string("rabbitmq")), ("messaging.operation.type", .string("process")),
                        ("messaging.destination.name", .string(queue.name)), ("messaging.message.id", .string(item.event.id.uuidString)),
                        ("event.type", .string(item.event.type)), ("event.attempt", .int(Int64(item.event.attempt))),
                    ], error: failures[item.event.id]))
        }
    }

    /// A delivery's event id and type: from its AMQP properties, which the relay sets, else (a
    /// message published by hand) from its body's envelope. The handler's decode checks the body
    /// says the same.
    /// The routing key the message was published with: the broker's word for it when it came
    /// from `orchestrator.events` (where each publisher may use only its own keys), otherwise —
    /// back from `<queue>.retry`, or a replayed dead letter — the header this consumer set.
    static func routingKey(of delivery: Delivery) -> String {
        if delivery.exchange == Exchanges.events { return delivery.routingKey }
        return delivery.headers[DeliveryHeaders.routingKey]?.string ?? delivery.routingKey
    }

    static func identity(of delivery: Delivery) throws -> (id: UUID, type: String) {
        if let text = delivery.messageId, let id = UUID(uuidString: text), let type = delivery.type, !type.isEmpty {
            return (id, type)
        }
        let header = try EventCoding.header(of: delivery.body)
        return (header.id, header.type)
    }

    /// Counts acknowledged items: handled, or skipped as duplicates (the positions in `items` of
    /// those the inbox had, or that came twice in the batch).
    private func acknowledged(_ items: [Item], duplicates: Set<Int>) {
        metrics.handled(items.indices.filter { !duplicates.contains($0) }.map { items[$0].delivery })
        metrics.handled(duplicates.sorted().map { items[$0].delivery }, as: .duplicate)
    }

    /// Handles `items` in one transaction; returns only if all of them committed, with the
    /// positions of the duplicates it skipped (a claiming handler's are not told).
    private func handle(_ items: [Item]) async throws -> Set<Int> {
        do {
            return try await metrics.timed {
                try await withDeadline(options.handlingTimeout) { try await self.handleNow(items) }
            }
        } catch let error as TimeoutError {
            logger.warning("handling took too long; cancelled", metadata: ["messages": "\(items.count)", "limit": "\(error.limit)"])
            throw error
        }
    }

    private func handleNow(_ items: [Item]) async throws -> Set<Int> {
        var duplicates: Set<Int> = []
        if let claiming = handlers.claimingHandler {
            // One statement claims and applies the batch: no transaction around it.
            var seen: Set<UUID> = []
            let events = items.map(\.event).filter { seen.insert($0.id).inserted }
            let claim = InboxClaim(inbox: "\(schema).inbox", queue: queue.name, ids: events.map(\.id))
            try await database.withConnection { connection in try await claiming(claim, events, connection) }
        } else {
            switch await firstTry(items) {
            case .declined: duplicates = try await handleInTransaction(items)
            case .handled: break
            case .handledAndFollowedUp: return duplicates
            }
        }
        if handlers.wakes(after: items.lazy.map(\.event.type)) { handlers.afterCommit?() }
        return duplicates
    }

    /// What the first try of a delivery alone did with it (`EventHandlers.firstTry`). A first
    /// try that fails wrote nothing: the usual transaction takes the delivery then.
    private func firstTry(_ items: [Item]) async -> FirstTryOutcome {
        guard items.count == 1, let item = items.first, let attempt = handlers.firstTries[item.event.type] else { return .declined }
        let claim = InboxClaim(inbox: "\(schema).inbox", queue: queue.name, ids: [item.event.id])
        do {
            return try await Self.$waitingBehind.withValue(Self.arrivals?.backlog ?? 0) {
                try await database.withConnection { connection in try await attempt(claim, item.event, connection) }
            }
        } catch {
            // Expected for a redelivery (its claim fails the statement); the usual way decides.
            logger.debug("first try failed", metadata: ["event.id": "\(item.event.id)", "error": "\(error)"])
            return .declined
        }
    }

    /// A batch all of one type whose first try together (`EventHandlers.firstTryTogether`) took
    /// some of it: those are acknowledged, the rest returned, in order, for the usual way.
    private func firstTryTogether(_ items: [Item]) async -> [Item] {
        guard let type = items.first?.event.type, items.allSatisfy({ $0.event.type == type }),
            let attempt = handlers.firstTriesTogether[type]
        else { return items }
        var seen: Set<UUID> = []
        guard items.allSatisfy({ seen.insert($0.event.id).inserted }) else { return items }
        let claim = InboxClaim(inbox: "\(schema).inbox", queue: queue.name, ids: items.map(\.event.id))
        let handled: Set<UUID>
        do {
            handled = try await metrics.timed {
                try await withDeadline(options.handlingTimeout) { [database] in
                    try await database.withConnection { connection in try await attempt(claim, items.map(\.event), connection) }
                }
            }
        } catch {
            // Expected when one of them is a redelivery (its claim fails the statement).
            logger.debug("first try of a batch failed", metadata: ["messages": "\(items.count)", "error": "\(error)"])
            return items
        }
        guard !handled.isEmpty else { return items }
        let done = items.filter { handled.contains($0.event.id) }
        consumer.ack(done.map(\.delivery))
        metrics.handled(done.map(\.delivery))
        if handlers.wakes(after: [type]) { handlers.afterCommit?() }
        return items.filter { !handled.contains($0.event.id) }
    }

    /// Returns the positions of the items it skipped: the inbox had them, or they came twice.
    private func handleInTransaction(_ items: [Item]) async throws -> Set<Int> {
        try await database.transaction(logger: logger) { connection in
            var fresh = try await self.claim(items, on: connection)
            var duplicates: Set<Int> = []
            // Consecutive events for the set-based handler go to it together, in order.
            var run: [IncomingEvent] = []
            func flush() async throws {
                guard let batch = self.handlers.batchHandler, !run.isEmpty else { return }
                try await batch(run, connection)
                run.removeAll()
            }
            // `remove` also keeps a message that appears twice in one batch from running twice.
            for (index, item) in items.enumerated() {
                guard fresh.remove(item.event.id) != nil else {
                    duplicates.insert(index)
                    continue
                }
                if self.handlers.batchTypes.contains(item.event.type) {
                    run.append(item.event)
                    continue
                }
                try await flush()
                try await item.handler(item.event, connection)
            }
            try await flush()
            return duplicates
        }
    }

    /// Returns why the message failed, when it was retried or dead-lettered.
    private func handleAlone(_ item: Item) async -> String? {
        var outage = 0
        while !Task.isCancelled {
            do {
                let duplicates = try await handle([item])
                consumer.ack(item.delivery)
                acknowledged([item], duplicates: duplicates)
                return nil
            } catch {
                if let poison = error as? PoisonMessage {
                    await deadLetter(item.delivery, reason: poison.reason, attempts: item.event.attempt)
                    return poison.reason
                }
                if await databaseIsReachable() {
                    await retryOrDeadLetter(item, error: error)
                    return Self.reason(error)
                }
                let delay = options.backoff.delay(attempt: outage)
                logger.warning(
                    "database unreachable; holding the message", metadata: ["event.id": "\(item.event.id)", "retry.in": "\(delay)"])
                outage += 1
                try? await Task.sleep(for: delay)
            }
        }
        return nil
    }

    /// Records the messages in the inbox in one statement; returns the ids not handled before.
    private func claim(_ items: [Item], on connection: PostgresConnection) async throws -> Set<UUID> {
        let rows = try await connection.query(
            """
            INSERT INTO \(unescaped: schema).inbox (queue, message_id)
            SELECT \(queue.name), id FROM unnest(\(items.map(\.event.id))::uuid[]) AS message(id)
            ON CONFLICT DO NOTHING RETURNING message_id
            """,
            logger: logger
        )
        var fresh: Set<UUID> = []
        for try await id in rows.decode(UUID.self) { fresh.insert(id) }
        return fresh
    }

    private func retryOrDeadLetter(_ item: Item, error: any Error) async {
        let reason = String(Self.reason(error).prefix(1_000))
        guard item.event.attempt < options.maxAttempts else {
            await deadLetter(item.delivery, reason: reason, attempts: item.event.attempt)
            return
        }
        logger.warning(
            "handler failed; will retry",
            metadata: [
                "event.id": "\(item.event.id)", "event.type": "\(item.event.type)",
                "attempt": "\(item.event.attempt)", "error": "\(reason)",
            ])
        var headers = item.delivery.headers
        headers[DeliveryHeaders.attempt] = .integer(Int64(item.event.attempt))
        // On its way back from the retry queue the message carries that queue's routing key.
        headers[DeliveryHeaders.routingKey] = .string(Self.routingKey(of: item.delivery))
        headers[DeliveryHeaders.lastError] = .string(reason)
        if await forward(item.delivery, to: Exchanges.retry, routingKey: queue.retryQueue, headers: headers) {
            metrics.count(item.delivery, as: .retried)
        }
    }

    /// What an admin reading the dead letter needs: PostgreSQL's own message and state for a
    /// database error (whose description says only "PSQLError"; its detail, which can hold a
    /// row's values, is left out), the error's description otherwise.
    static func reason(_ error: any Error) -> String {
        guard let database = error as? PSQLError, let message = database.serverInfo?[.message] else {
            return String(describing: error)
        }
        let state = database.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
        return "PostgreSQL: \(message)\(state)"
    }

    private func deadLetter(_ delivery: Delivery, reason: String, attempts: Int) async {
        logger.error(
            "dead-lettering a message",
            metadata: [
                "message.id": "\(delivery.messageId ?? "-")", "reason": "\(reason)", "attempts": "\(attempts)",
            ])
        var headers = delivery.headers
        headers[DeliveryHeaders.error] = .string(String(reason.prefix(1_000)))
        headers[DeliveryHeaders.attempts] = .integer(Int64(attempts))
        headers[DeliveryHeaders.queue] = .string(queue.name)
        headers[DeliveryHeaders.routingKey] = .string(Self.routingKey(of: delivery))
        headers.removeValue(forKey: DeliveryHeaders.attempt)
        if await forward(delivery, to: Exchanges.deadLetters, routingKey: queue.name, headers: headers) {
            metrics.count(delivery, as: .deadLettered)
        }
    }

    /// Publishes a copy and acknowledges the original once the copy is confirmed. When the broker
    /// is away the original stays unacknowledged and comes back after the reconnect. Returns
    /// whether the copy was confirmed.
    private func forward(_ delivery: Delivery, to exchange: String, routingKey: String, headers: [String: HeaderValue]) async -> Bool {
        let copy = OutgoingMessage(
            exchange: exchange, routingKey: routingKey, body: delivery.body, messageId: delivery.messageId,
            type: delivery.type, headers: headers
        )
        do {
            try await publisher.publish([copy])
            consumer.ack(delivery)
            return true
        } catch {
            logger.warning("could not forward a message; it will be redelivered", metadata: ["error": "\(error)"])
            return false
        }
    }

    private func databaseIsReachable() async -> Bool {
        (try? await withDeadline(.seconds(2)) { [database] in
            _ = try await database.query("SELECT 1").collect()
        }) != nil
    }
}

/// Header names the backbone sets on retried and dead-lettered messages.
public enum DeliveryHeaders {
    /// How many times the message has failed so far (on its way through `<queue>.retry`).
    public static let attempt = "x-orch-attempt"
    public static let lastError = "x-orch-last-error"
    /// Why a dead-lettered message could not be handled, after how many attempts, where.
    public static let error = "x-orch-error"
    public static let attempts = "x-orch-attempts"
    public static let queue = "x-orch-queue"
    public static let routingKey = "x-orch-routing-key"
}
