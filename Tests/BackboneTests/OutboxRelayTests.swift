import EventBackbone
import Foundation
import Messaging
import Persistence
import PostgresNIO
import Synchronization
import Testing

@Suite(.enabled(if: TestServers.configured, "needs the servers compose/local test starts"), .serialized)
struct OutboxRelayTests {
    struct Rollback: Error {}

    /// Collects the sequence numbers arriving on a queue bound to `events.type`.
    final class Collector: Sendable {
        let seqs = Mutex<[Int]>([])
        func run(_ deliveries: DeliveryQueue, _ connection: AMQPConnection) async {
            while let batch = await deliveries.next(upTo: 100) {
                for delivery in batch {
                    seqs.withLock { $0.append(TestEvents.seq(delivery.body) ?? -1) }
                    connection.ack(delivery)
                }
            }
        }
    }

    func withRelay(
        through proxy: SilentProxy? = nil, options: OutboxRelay.Options = .init(),
        _ body: @Sendable (PostgresClient, String, TestEvents, Collector) async throws -> Void
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
                    try await body(client, schema, events, collector)
                }
            }
            try await TestServers.dropSchema(schema, client)
        }
    }

    @Test func aRolledBackTransactionPublishesNothingACommittedOneExactlyOnce() async throws {
        try await withRelay { client, schema, events, collector in
            let outbox = Outbox(schema: schema)
            await #expect(throws: (any Error).self) {
                try await client.withTransaction(logger: TestServers.logger) { connection in
                    try await outbox.append([events.encoded(seq: 1)], on: connection, logger: TestServers.logger)
                    throw Rollback()
                }
            }
            try await client.withTransaction(logger: TestServers.logger) { connection in
                try await outbox.append([events.encoded(seq: 2)], on: connection, logger: TestServers.logger)
            }
            #expect(try await TestServers.eventually { collector.seqs.withLock { $0 } == [2] })
            try await Task.sleep(for: .seconds(1))
            #expect(collector.seqs.withLock { $0 } == [2])
            #expect(try await TestServers.count("SELECT count(*) FROM \(schema).outbox WHERE published_at IS NOT NULL", client) == 1)
        }
    }

    @Test func eventsLeaveInCommitOrder() async throws {
        try await withRelay { client, schema, events, collector in
            let outbox = Outbox(schema: schema)
            for seq in 1...300 {
                try await client.withTransaction(logger: TestServers.logger) { connection in
                    try await outbox.append([events.encoded(seq: seq)], on: connection, logger: TestServers.logger)
                }
            }
            #expect(try await TestServers.eventually { collector.seqs.withLock { $0.count } >= 300 })
            #expect(collector.seqs.withLock { $0 } == Array(1...300))
        }
    }

    @Test func aCommitWakesTheRelayAtOnce() async throws {
        try await withRelay { client, schema, events, collector in
            let outbox = Outbox(schema: schema)
            // Let the relay go idle first, so only the NOTIFY can wake it before its 1 s check.
            try await Task.sleep(for: .milliseconds(300))
            let committed = ContinuousClock.now
            try await client.withTransaction(logger: TestServers.logger) { connection in
                try await outbox.append([events.encoded(seq: 7)], on: connection, logger: TestServers.logger)
            }
            #expect(try await TestServers.eventually(within: .seconds(2)) { collector.seqs.withLock { $0 } == [7] })
            #expect(ContinuousClock.now - committed < .milliseconds(500))
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
        try await withRelay(through: proxy, options: options) { client, schema, events, collector in
            let outbox = Outbox(schema: schema)
            try await client.withTransaction(logger: TestServers.logger) { connection in
                try await outbox.append([events.encoded(seq: 1)], on: connection, logger: TestServers.logger)
            }
            #expect(try await TestServers.eventually { collector.seqs.withLock { $0 } == [1] })
            // Every connection through the proxy falls silent; the next ones (made after) work.
            proxy.silent.withLock { $0 = true }
            try await Task.sleep(for: .milliseconds(300))
            try await client.withTransaction(logger: TestServers.logger) { connection in
                try await outbox.append([events.encoded(seq: 2)], on: connection, logger: TestServers.logger)
            }
            try await Task.sleep(for: .milliseconds(500))
            #expect(collector.seqs.withLock { $0 } == [1])
            proxy.silent.withLock { $0 = false }
            // Nothing comes back on the silent connection (its bytes were dropped): only a new
            // session, after the stall limit, publishes the event (and may send again what the
            // old one had not marked published: consumers drop such duplicates).
            #expect(try await TestServers.eventually(within: .seconds(15)) { Set(collector.seqs.withLock { $0 }) == [1, 2] })
            #expect(try await TestServers.eventually {
                try await TestServers.count("SELECT count(*) FROM \(schema).outbox WHERE published_at IS NULL", client) == 0
            })
        }
    }
}
