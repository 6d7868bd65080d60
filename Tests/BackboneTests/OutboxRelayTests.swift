import Foundation
import Messaging
import Persistence
import PostgresNIO
import Resilience
import Synchronization
import Testing

@testable import EventBackbone

@Suite(.enabled(if: TestServers.configured, "needs the servers compose/local test starts"), .serialized)
struct OutboxRelayTests {
    struct Rollback: Error {}

    /// Collects the sequence numbers arriving on a queue bound to `events.type`.
    final class Collector: Sendable {
        let seqs = Mutex<[Int]>([])
        /// Each message's `traceparent` header, by seq.
        let traces = Mutex<[Int: String]>([:])
        func run(_ deliveries: DeliveryQueue, _ connection: AMQPConnection) async {
            while let batch = await deliveries.next(upTo: 100) {
                for delivery in batch {
                    let seq = TestEvents.seq(delivery.body) ?? -1
                    seqs.withLock { $0.append(seq) }
                    if let trace = delivery.headers["traceparent"]?.string { traces.withLock { $0[seq] = trace } }
                    connection.ack(delivery)
                }
            }
        }
    }

    func withRelay(
        through proxy: SilentProxy? = nil, options: OutboxRelay.Options = .init(),
        _ body: @Sendable (PostgresClient, String, TestEvents, Collector, OutboxRelay) async throws -> Void
    ) async throws {
        let logger = TestServers.logger
        let client = PostgresClient(configuration: TestServers.databaseURL.clientConfiguration, backgroundLogger: logger)
        try await TestServers.running([client]) {
            let schema = try await TestServers.makeSchema(client)
            let events = TestEvents()
            let publisher = AMQPConnection(url: TestServers.amqpURL, logger: logger)
            let consumer = AMQPConnection(url: TestServers.amqpURL, logger: logger)
            let queue = "test.relay.\(schema)"
            consumer.declare([QueueDeclaration(name: queue, bindings: [events.type], type: .classic)])
            let deliveries = consumer.deliveries(from: queue, prefetch: 500)
            var database = TestServers.databaseURL
            if let proxy { (database.host, database.port) = ("127.0.0.1", proxy.port) }
            let relay = OutboxRelay(schema: schema, database: database, publisher: publisher, options: options, logger: logger)
            let collector = Collector()
            try await TestServers.running([publisher, consumer, relay]) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await collector.run(deliveries, consumer) }
                    defer { group.cancelAll() }
                    #expect(try await TestServers.eventually { publisher.probe() == .up && consumer.probe() == .up && relay.isActive })
                    try await body(client, schema, events, collector, relay)
                }
            }
            try await TestServers.dropSchema(schema, client)
        }
    }

    @Test func aRolledBackTransactionPublishesNothingACommittedOneExactlyOnce() async throws {
        try await withRelay { client, schema, events, collector, _ in
            let outbox = Outbox(schema: schema)
            await #expect(throws: (any Error).self) {
                try await client.withTransaction(logger: TestServers.logger) { connection in
                    try await outbox.append([events.encoded(seq: 1)], on: connection, logger: TestServers.logger)
                    throw Rollback()
                }
            }
            try await client.transaction(logger: TestServers.logger) { connection in
                try await outbox.append([events.encoded(seq: 2)], on: connection, logger: TestServers.logger)
            }
            #expect(try await TestServers.eventually { collector.seqs.withLock { $0 } == [2] })
            try await Task.sleep(for: .seconds(1))
            #expect(collector.seqs.withLock { $0 } == [2])
            // Confirmed, so deleted.
            #expect(try await TestServers.eventually { try await TestServers.count("SELECT count(*) FROM \(schema).outbox", client) == 0 })
        }
    }

    @Test func eventsLeaveInCommitOrder() async throws {
        try await withRelay { client, schema, events, collector, _ in
            let outbox = Outbox(schema: schema)
            for seq in 1...300 {
                try await client.transaction(logger: TestServers.logger) { connection in
                    try await outbox.append([events.encoded(seq: seq)], on: connection, logger: TestServers.logger)
                }
            }
            #expect(try await TestServers.eventually { collector.seqs.withLock { $0.count } >= 300 })
            #expect(collector.seqs.withLock { $0 } == Array(1...300))
        }
    }

    @Test func aCommitWakesTheRelayAtOnce() async throws {
        try await withRelay { client, schema, events, collector, _ in
            let outbox = Outbox(schema: schema)
            // Let the relay go idle first, so only the commit's wake-up can bring it before its 1 s look.
            try await Task.sleep(for: .milliseconds(300))
            let committed = ContinuousClock.now
            try await client.transaction(logger: TestServers.logger) { connection in
                try await outbox.append([events.encoded(seq: 7)], on: connection, logger: TestServers.logger)
            }
            #expect(try await TestServers.eventually(within: .seconds(2)) { collector.seqs.withLock { $0 } == [7] })
            #expect(ContinuousClock.now - committed < .milliseconds(500))
        }
    }

    /// A wake-up before the commit would find nothing; the relay must be woken after it. The
    /// transaction holds its row uncommitted past the relay's look, then commits.
    @Test func theWakeComesAfterTheCommitNotBefore() async throws {
        var options = OutboxRelay.Options()
        options.idleCheck = .seconds(30)
        try await withRelay(options: options) { client, schema, events, collector, _ in
            let outbox = Outbox(schema: schema)
            try await Task.sleep(for: .milliseconds(300))
            try await client.transaction(logger: TestServers.logger) { connection in
                try await outbox.append([events.encoded(seq: 3)], on: connection, logger: TestServers.logger)
                try await Task.sleep(for: .milliseconds(300))
            }
            #expect(try await TestServers.eventually(within: .seconds(3)) { collector.seqs.withLock { $0 } == [3] })
        }
    }

    /// A relay whose session's first hold ends after 200 ms (see `settle`) and which never polls
    /// within a test, so only a hand-over or a read it decided on can send a row.
    static func quickToSettle(grace: Duration = OutboxRelay.Options().gapGrace) -> OutboxRelay.Options {
        var options = OutboxRelay.Options()
        options.gapLimit = .milliseconds(200)
        options.idleCheck = .seconds(30)
        options.gapGrace = grace
        return options
    }

    /// Commits and sends seq 1, then waits past the session's first hold (`quickToSettle`), after
    /// which hand-overs can go without a read. Returns the schema's outbox.
    func settle(_ client: PostgresClient, _ schema: String, _ events: TestEvents, _ collector: Collector) async throws -> Outbox {
        let outbox = Outbox(schema: schema)
        try await client.transaction(logger: TestServers.logger) { connection in
            try await outbox.append([events.encoded(seq: 1)], on: connection, logger: TestServers.logger)
        }
        #expect(try await TestServers.eventually { collector.seqs.withLock { $0 } == [1] })
        try await Task.sleep(for: .milliseconds(300))
        return outbox
    }

    /// A commit's rows go out without a read of the table when every row below them has gone.
    @Test func aHandedOverCommitIsSentWithoutARead() async throws {
        try await withRelay(options: Self.quickToSettle()) { client, schema, events, collector, relay in
            let outbox = try await settle(client, schema, events, collector)
            let reads = relay.reads.load(ordering: .relaxed)
            for seq in 2...4 {
                try await client.transaction(logger: TestServers.logger) { connection in
                    try await outbox.append([events.encoded(seq: seq)], on: connection, logger: TestServers.logger)
                }
            }
            // Autocommitted, as the tasks service's one-statement transitions write: handed over at once.
            try await client.withConnection { connection in
                try await outbox.append([events.encoded(seq: 5)], on: connection, logger: TestServers.logger)
            }
            #expect(try await TestServers.eventually(within: .seconds(3)) { collector.seqs.withLock { $0 } == [1, 2, 3, 4, 5] })
            #expect(relay.reads.load(ordering: .relaxed) == reads)
        }
    }

    final class Flag: Sendable { let raised = Atomic(false) }

    /// Commits seq 3 while a transaction holding seq 2 (the lower position) stays open for
    /// `holdFor`, as two concurrent transitions of one process do; returns the relay's reads made
    /// from the second commit until both rows arrived, and the order they arrived in.
    func commitAcrossAGap(holdFor: Duration, options: OutboxRelay.Options) async throws -> (reads: Int, seqs: [Int]) {
        let result = Mutex<(reads: Int, seqs: [Int])>((0, []))
        try await withRelay(options: options) { client, schema, events, collector, relay in
            let outbox = try await settle(client, schema, events, collector)
            let appended = Flag()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await client.transaction(logger: TestServers.logger) { connection in
                        try await outbox.append([events.encoded(seq: 2)], on: connection, logger: TestServers.logger)
                        appended.raised.store(true, ordering: .relaxed)
                        try await Task.sleep(for: holdFor)
                    }
                }
                #expect(try await TestServers.eventually { appended.raised.load(ordering: .relaxed) })
                let reads = relay.reads.load(ordering: .relaxed)
                try await client.withConnection { connection in
                    try await outbox.append([events.encoded(seq: 3)], on: connection, logger: TestServers.logger)
                }
                try await group.waitForAll()
                #expect(try await TestServers.eventually(within: .seconds(3)) { collector.seqs.withLock { $0 }.count >= 3 })
                result.withLock { $0 = (relay.reads.load(ordering: .relaxed) - reads, collector.seqs.withLock { $0 }) }
            }
        }
        return result.withLock { $0 }
    }

    /// A hand-over above a missing position waits for it: the concurrent transaction commits
    /// within the grace, and both rows leave in order without a read of the table.
    @Test func aGapFilledWithinTheGraceCostsNoRead() async throws {
        let (reads, seqs) = try await commitAcrossAGap(holdFor: .milliseconds(200), options: Self.quickToSettle(grace: .seconds(2)))
        #expect(seqs == [1, 2, 3])
        #expect(reads == 0)
    }

    /// A gap that outlasts the grace (a slow transaction, a rollback) does not hold the rows above
    /// it: the relay reads the table and sends what committed.
    @Test func aGapOutlastingTheGraceIsReadPast() async throws {
        let (reads, seqs) = try await commitAcrossAGap(
            holdFor: .milliseconds(600), options: Self.quickToSettle(grace: .milliseconds(20)))
        #expect(seqs == [1, 3, 2])
        #expect(reads >= 1)
    }

    /// A row another replica committed (no hand-over here) leaves before a later row this
    /// process hands over: the later one may be the same task's next event.
    @Test func aRowCommittedElsewhereLeavesBeforeALaterHandedOverRow() async throws {
        try await withRelay(options: Self.quickToSettle()) { client, schema, events, collector, relay in
            let outbox = try await settle(client, schema, events, collector)
            let elsewhere = events.encoded(seq: 2)
            try await client.query(
                "INSERT INTO \(unescaped: schema).outbox (event_id, event_type, body) VALUES (\(elsewhere.id), \(elsewhere.type), \(elsewhere.body))"
            )
            try await client.transaction(logger: TestServers.logger) { connection in
                try await outbox.append([events.encoded(seq: 3)], on: connection, logger: TestServers.logger)
            }
            #expect(try await TestServers.eventually(within: .seconds(3)) { collector.seqs.withLock { $0 }.count >= 3 })
            #expect(collector.seqs.withLock { $0 } == [1, 2, 3])
        }
    }

    /// Rows no wake-up announces — another process wrote them, or a crash came between commit
    /// and wake — are still published, by the relay's poll.
    @Test func aRowNobodyAnnouncesIsPublishedByThePoll() async throws {
        var options = OutboxRelay.Options()
        options.idleCheck = .milliseconds(300)
        try await withRelay(options: options) { client, schema, events, collector, _ in
            // Straight SQL, as another process would write it: no `Outbox.written` here.
            let event = events.encoded(seq: 5)
            try await client.query(
                "INSERT INTO \(unescaped: schema).outbox (event_id, event_type, body) VALUES (\(event.id), \(event.type), \(event.body))"
            )
            #expect(try await TestServers.eventually(within: .seconds(3)) { collector.seqs.withLock { $0 } == [5] })
        }
    }

    /// Each message carries, in its `traceparent` header, the trace its event was written in —
    /// sent from the hand-over or read from the table (docs/operations.md, "Following a request").
    @Test func eachMessageCarriesTheTraceItsEventWasWrittenIn() async throws {
        var options = OutboxRelay.Options()
        options.idleCheck = .milliseconds(300)
        try await withRelay(options: options) { client, schema, events, collector, _ in
            let handed = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
            let read = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"
            let event = events.encoded(seq: 1)
            try await client.transaction(logger: TestServers.logger) { connection in
                try await Outbox(schema: schema).append(
                    [EncodedEvent(id: event.id, type: event.type, body: event.body, traceparent: handed), events.encoded(seq: 2)],
                    on: connection, logger: TestServers.logger)
            }
            // Written by another process: only the poll reads it.
            let other = events.encoded(seq: 3)
            try await client.query(
                """
                INSERT INTO \(unescaped: schema).outbox (event_id, event_type, body, traceparent)
                VALUES (\(other.id), \(other.type), \(other.body), \(read))
                """)
            #expect(try await TestServers.eventually(within: .seconds(3)) { collector.seqs.withLock { $0 } == [1, 2, 3] })
            #expect(collector.traces.withLock { $0 } == [1: handed, 3: read])
            let stored = try await client.query("SELECT count(*) FROM \(unescaped: schema).outbox WHERE traceparent = ''").collect()
            #expect(try stored.first?.decode(Int.self) == 0)
        }
    }

    /// In a replica whose relay stands by, a commit's wake-up reaches the active relay (in
    /// another process) as a NOTIFY on the schema's channel. Here the test holds the leadership
    /// lock itself and listens on the channel.
    @Test func aStandbyRelayPassesTheWakeOnAsANotify() async throws {
        let logger = TestServers.logger
        let client = PostgresClient(configuration: TestServers.databaseURL.clientConfiguration, backgroundLogger: logger)
        try await TestServers.running([client]) {
            let schema = try await TestServers.makeSchema(client)
            let leader = try await PostgresConnection.connect(
                configuration: TestServers.databaseURL.connectionConfiguration, id: 1, logger: logger
            )
            _ = try await leader.query("SELECT pg_advisory_lock(hashtext(\("outbox-relay:" + schema)))", logger: logger).collect()
            let notified = Collector()
            let publisher = AMQPConnection(url: TestServers.amqpURL, logger: logger)
            var options = OutboxRelay.Options()
            options.standbyCheck = .milliseconds(200)
            let standby = OutboxRelay(
                schema: schema, database: TestServers.databaseURL, publisher: publisher, options: options, logger: logger)
            try await leader.listen(on: Outbox.channel(schema)) { notifications in
                try await TestServers.running([publisher, standby]) {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { for try await _ in notifications { notified.seqs.withLock { $0.append(1) } } }
                        defer { group.cancelAll() }
                        try await Task.sleep(for: .milliseconds(500))
                        #expect(!standby.isActive)
                        #expect(notified.seqs.withLock { $0 }.isEmpty)
                        try await client.transaction(logger: logger) { connection in
                            try await Outbox(schema: schema).append([TestEvents().encoded(seq: 1)], on: connection, logger: logger)
                        }
                        #expect(try await TestServers.eventually(within: .seconds(3)) { !notified.seqs.withLock { $0 }.isEmpty })
                    }
                }
            }
            try await leader.close()
            try await TestServers.dropSchema(schema, client)
        }
    }

    /// The restart drill found a relay silent for minutes: a call on a connection PostgreSQL
    /// closed at the wrong moment never returned. Here the relay's connection goes silent — no
    /// answer, no close — and the relay must give the session up and publish through a new one.
    @Test func aRelayWhoseConnectionFallsSilentStartsANewSession() async throws {
        let proxy = try SilentProxy(upstreamPort: TestServers.databaseURL.port)
        defer { proxy.close() }
        var options = OutboxRelay.Options()
        options.stallLimit = .seconds(2)
        // Every hand-over is read first (as in a session's first seconds), so the silent
        // connection is in the way of the second event.
        options.gapLimit = .seconds(60)
        try await withRelay(through: proxy, options: options) { client, schema, events, collector, _ in
            let outbox = Outbox(schema: schema)
            try await client.transaction(logger: TestServers.logger) { connection in
                try await outbox.append([events.encoded(seq: 1)], on: connection, logger: TestServers.logger)
            }
            #expect(try await TestServers.eventually { collector.seqs.withLock { $0 } == [1] })
            // Every connection through the proxy falls silent; the next ones (made after) work.
            proxy.silent.withLock { $0 = true }
            try await Task.sleep(for: .milliseconds(300))
            try await client.transaction(logger: TestServers.logger) { connection in
                try await outbox.append([events.encoded(seq: 2)], on: connection, logger: TestServers.logger)
            }
            try await Task.sleep(for: .milliseconds(500))
            #expect(collector.seqs.withLock { $0 } == [1])
            proxy.silent.withLock { $0 = false }
            // Nothing comes back on the silent connection (its bytes were dropped): only a new
            // session, after the stall limit, publishes the event (and may send again what the
            // old one had not deleted: consumers drop such duplicates).
            #expect(try await TestServers.eventually(within: .seconds(15)) { Set(collector.seqs.withLock { $0 }) == [1, 2] })
            #expect(
                try await TestServers.eventually {
                    try await TestServers.count("SELECT count(*) FROM \(schema).outbox", client) == 0
                })
        }
    }

    /// A delete of confirmed rows that fails ends the session with that error, and the relay
    /// starts another. (It once ended the relay for good: the failed delete cancelled the
    /// sending loop, whose CancellationError read as the service being stopped, and the process
    /// left the service group.)
    @Test func aFailedDeleteEndsOnlyTheSession() async throws {
        var options = OutboxRelay.Options()
        options.markInterval = .milliseconds(20)
        options.backoff = Backoff(initial: .milliseconds(50), maximum: .milliseconds(200))
        try await withRelay(options: options) { client, schema, events, collector, _ in
            try await client.query(
                PostgresQuery(
                    unsafeSQL: """
                        CREATE FUNCTION \(schema).refuse() RETURNS trigger LANGUAGE plpgsql AS
                            $$ BEGIN RAISE EXCEPTION 'deletes refused'; END $$
                        """))
            try await client.query(
                PostgresQuery(
                    unsafeSQL: """
                        CREATE TRIGGER refuse BEFORE DELETE ON \(schema).outbox FOR EACH STATEMENT EXECUTE FUNCTION \(schema).refuse()
                        """))
            let outbox = Outbox(schema: schema)
            try await client.transaction(logger: TestServers.logger) { connection in
                try await outbox.append([events.encoded(seq: 1)], on: connection, logger: TestServers.logger)
            }
            #expect(try await TestServers.eventually { collector.seqs.withLock { $0 }.contains(1) })
            try await Task.sleep(for: .milliseconds(500))  // deletes tried and refused meanwhile
            try await client.query(PostgresQuery(unsafeSQL: "DROP TRIGGER refuse ON \(schema).outbox"))
            try await client.transaction(logger: TestServers.logger) { connection in
                try await outbox.append([events.encoded(seq: 2)], on: connection, logger: TestServers.logger)
            }
            #expect(try await TestServers.eventually { collector.seqs.withLock { $0 }.contains(2) })
            #expect(
                try await TestServers.eventually {
                    try await TestServers.count("SELECT count(*) FROM \(schema).outbox", client) == 0
                })
        }
    }
}
