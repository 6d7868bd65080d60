import ArgumentParser
import BackboneProbe
import EventBackbone
import Foundation
import KeyValueStore
import Messaging
import PostgresNIO

struct Prepare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a schema with the backbone's tables.")
    @Option var schema: String

    func run() async throws {
        let client = try Servers.client()
        try await Servers.running([client]) { try await Servers.prepare(schema: schema, on: client) }
    }
}

struct Produce: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Commit events to a schema's outbox, one transaction each.")
    @Option var schema: String
    @Option var type: String
    @Option var count: Int
    @Option var start = 1
    @Option(help: "Events per second; 0 for as fast as possible.") var rate = 0.0

    func run() async throws {
        let client = try Servers.client()
        let outbox = Outbox(schema: schema)
        try await Servers.running([client]) {
            let began = ContinuousClock.now
            for (index, seq) in (start..<(start + count)).enumerated() {
                if rate > 0 {
                    let due = began + .nanoseconds(Int64(Double(index) / rate * 1e9))
                    if due > .now { try await Task.sleep(until: due) }
                }
                try await client.withTransaction(logger: Servers.logger) { connection in
                    try await outbox.append([SequencedEvents.event(type: type, seq: seq)], on: connection, logger: Servers.logger)
                }
            }
            Servers.say("produced \(count)")
        }
    }
}

struct Relay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a schema's outbox relay until SIGTERM.")
    @Option var schema: String

    func run() async throws {
        let publisher = AMQPConnection(url: try Servers.amqp(), logger: Servers.logger)
        let relay = OutboxRelay(schema: schema, database: try Servers.database(), publisher: publisher, logger: Servers.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await Servers.runUntilSignalled([publisher, relay]) }
            group.addTask {
                while !relay.isActive { try await Task.sleep(for: .milliseconds(20)) }
                Servers.say("relay active")
            }
            try await group.waitForAll()
        }
    }
}

struct Consume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Consume events into <schema>.handled through the inbox until SIGTERM."
    )
    @Option var schema: String
    @Option var queue: String
    @Option var type: String
    @Option(help: "Sleep this long inside the handler of event --slow-seq.") var handlerDelayMs = 0
    @Option var slowSeq = -1

    func run() async throws {
        let client = try Servers.client()
        let consuming = AMQPConnection(url: try Servers.amqp(), logger: Servers.logger)
        let publisher = AMQPConnection(url: try Servers.amqp(), logger: Servers.logger)
        let (schema, delay, slowSeq) = (schema, handlerDelayMs, slowSeq)
        var handlers = EventHandlers()
        handlers.onRaw(type) { event, connection in
            guard let seq = SequencedEvents.seq(of: event.body) else { throw PoisonMessage(reason: "no seq") }
            try await ProbeSchema.record(seq: seq, eventId: event.id, in: schema, on: connection, logger: Servers.logger)
            if seq == slowSeq {
                Servers.say("handling \(seq)")
                try await Task.sleep(for: .milliseconds(delay))
            }
        }
        var options = EventConsumer.Options()
        options.queueExpires = .seconds(120)
        let consumer = EventConsumer(
            queue: queue, queueType: .classic, handlers: handlers, schema: schema, database: client,
            consumer: consuming, publisher: publisher, options: options, logger: Servers.logger
        )
        Servers.say("consuming")
        try await Servers.runUntilSignalled([client, consuming, publisher, consumer])
    }
}

struct Contend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take a Redis lock repeatedly; count any moment another holder was inside too."
    )
    @Option var key: String
    @Option var iterations = 200

    func run() async throws {
        let redis = RedisConnection(url: try Servers.redis(), logger: Servers.logger)
        var overlaps = 0
        for _ in 0..<iterations {
            guard let lock = try await RedisLock.acquire(key, ttl: .seconds(5), waitingUpTo: .seconds(30), on: redis) else {
                throw ValidationError("could not take the lock within 30 s")
            }
            if try await redis.send(["INCR", key + ":inside"]) != .integer(1) { overlaps += 1 }
            try await Task.sleep(for: .microseconds(500))
            try await redis.send(["DECR", key + ":inside"])
            guard try await lock.release(on: redis) else { throw ValidationError("lost the lock while holding it") }
        }
        Servers.say("overlaps \(overlaps)")
    }
}
