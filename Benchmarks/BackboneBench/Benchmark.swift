import ArgumentParser
import BackboneProbe
import EventBackbone
import Foundation
import Messaging
import PostgresNIO
import Synchronization

struct Benchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure raw publishing, end-to-end throughput and commit→handled latency."
    )
    @Option(help: "Messages for the raw publish-with-confirms rate.") var rawMessages = 50_000
    @Option(help: "Events for the end-to-end saturation run.") var events = 20_000
    @Option(help: "Concurrent committers in the saturation run.") var producers = 8
    @Option(help: "Events committed per transaction in the saturation run.") var perTransaction = 1
    @Option(help: "Events per second for the latency run.") var rate = 500.0
    @Option(help: "Seconds of the latency run.") var seconds = 20
    @Flag(help: "Print the results as JSON.") var json = false

    func run() async throws {
        let raw = try await rawPublishRate()
        progress("raw publish with confirms: \(Int(raw)) msg/s")
        let (throughput, latency) = try await endToEnd()
        let results: [String: Double] = [
            "rawPublishPerSecond": raw.rounded(),
            "endToEndPerSecond": throughput.rounded(),
            "ratio": (throughput / raw * 1_000).rounded() / 1_000,
            "latencyRate": rate, "eventsPerTransaction": Double(perTransaction),
            "latencyP50Ms": latency.p50, "latencyP90Ms": latency.p90, "latencyP99Ms": latency.p99, "latencyMaxMs": latency.max,
        ]
        if json {
            let data = try JSONSerialization.data(withJSONObject: results, options: [.sortedKeys, .prettyPrinted])
            print(String(decoding: data, as: UTF8.self))
        } else {
            for key in results.keys.sorted() { print("\(key.padding(toLength: 22, withPad: " ", startingAt: 0)) \(results[key]!)") }
        }
    }

    /// (a) The broker alone: persistent messages to a durable queue, 500 in flight per batch.
    func rawPublishRate() async throws -> Double {
        let publisher = AMQPConnection(url: try Servers.amqp(), logger: Servers.logger)
        let key = "bench.raw.\(UUID().uuidString.prefix(8))"
        publisher.declare([QueueDeclaration(name: key, bindings: [key], type: .classic, expires: .seconds(30))])
        return try await Servers.running([publisher]) {
            while publisher.probe() != .up { try await Task.sleep(for: .milliseconds(20)) }
            let body = Array(SequencedEvents.event(type: key, seq: 0).body.utf8)
            let message = OutgoingMessage(exchange: Exchanges.events, routingKey: key, body: body, messageId: "m", type: key)
            let started = ContinuousClock.now
            var sent = 0
            while sent < rawMessages {
                let batch = min(500, rawMessages - sent)
                try await publisher.publish(Array(repeating: message, count: batch))
                sent += batch
            }
            return Double(rawMessages) / (ContinuousClock.now - started).seconds
        }
    }

    struct Percentiles {
        var p50 = 0.0, p90 = 0.0, p99 = 0.0, max = 0.0
    }

    /// (b) Outbox → relay → broker → another process's inbox consumer.
    func endToEnd() async throws -> (Double, Percentiles) {
        let id = UUID().uuidString.prefix(8).lowercased()
        let schema = "bench_\(id)", type = "bench.e2e.\(id)", queue = "bench.e2e.\(id)"
        let client = try Servers.client()
        let publisher = AMQPConnection(url: try Servers.amqp(), logger: Servers.logger)
        let relay = OutboxRelay(schema: schema, database: try Servers.database(), publisher: publisher, logger: Servers.logger)
        return try await Servers.running([client]) {
            try await Servers.prepare(schema: schema, on: client)
            let consumer = try startConsumer(schema: schema, queue: queue, type: type)
            defer { consumer.terminate() }
            return try await Servers.running([publisher, relay]) {
                while !relay.isActive || publisher.probe() != .up { try await Task.sleep(for: .milliseconds(20)) }
                try await Task.sleep(for: .seconds(1))  // the consumer's queue exists
                // Warm-up, then saturation.
                _ = try await produce(count: 200, from: 1, type: type, schema: schema, client: client, paced: nil)
                try await waitHandled(200, schema: schema, client: client)
                let started = ContinuousClock.now
                _ = try await produce(
                    count: events, from: 1_000_000, type: type, schema: schema, client: client, paced: nil, perTransaction: perTransaction
                )
                try await waitHandled(200 + events, schema: schema, client: client)
                let throughput = Double(events) / (ContinuousClock.now - started).seconds
                progress("end to end at saturation: \(Int(throughput)) events/s")
                let count = Int(rate * Double(seconds))
                let commits = try await produce(count: count, from: 10_000_000, type: type, schema: schema, client: client, paced: rate)
                try await waitHandled(200 + events + count, schema: schema, client: client)
                let latency = try await latencies(commits: commits, schema: schema, client: client)
                progress("latency at \(Int(rate))/s: p50 \(latency.p50) ms, p99 \(latency.p99) ms")
                try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \(schema) CASCADE"))
                return (throughput, latency)
            }
        }
    }

    /// Commits `count` events, one per transaction, from `producers` tasks; returns commit times.
    func produce(
        count: Int, from first: Int, type: String, schema: String, client: PostgresClient, paced rate: Double?,
        perTransaction: Int = 1
    ) async throws -> [Int: Double] {
        let outbox = Outbox(schema: schema)
        let next = Counter()
        let started = ContinuousClock.now
        return try await withThrowingTaskGroup(of: [Int: Double].self) { group in
            for _ in 0..<producers {
                group.addTask {
                    var committed: [Int: Double] = [:]
                    while true {
                        let index = next.take() * perTransaction
                        guard index < count else { return committed }
                        if let rate {
                            let due = started + .nanoseconds(Int64(Double(index) / rate * 1e9))
                            if due > .now { try await Task.sleep(until: due) }
                        }
                        let seqs = (first + index)..<(first + min(index + perTransaction, count))
                        try await client.withTransaction(logger: Servers.logger) { connection in
                            try await outbox.append(
                                seqs.map { SequencedEvents.event(type: type, seq: $0) }, on: connection, logger: Servers.logger)
                        }
                        let now = Date().timeIntervalSince1970
                        for seq in seqs { committed[seq] = now }
                    }
                }
            }
            return try await group.reduce(into: [:]) { $0.merge($1) { a, _ in a } }
        }
    }

    func waitHandled(_ total: Int, schema: String, client: PostgresClient) async throws {
        let deadline = ContinuousClock.now + .seconds(300)
        while ContinuousClock.now < deadline {
            let rows = try await client.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(schema).handled")).collect()
            if try rows.first?.decode(Int.self) ?? 0 >= total { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw ValidationError("events were not all handled within 300 s")
    }

    func latencies(commits: [Int: Double], schema: String, client: PostgresClient) async throws -> Percentiles {
        let rows = try await client.query(
            PostgresQuery(
                unsafeSQL:
                    "SELECT seq, extract(epoch FROM at)::float8 FROM \(schema).handled WHERE seq >= 10000000"
            ))
        var samples: [Double] = []
        for try await (seq, handled) in rows.decode((Int, Double).self) {
            if let committed = commits[seq] { samples.append((handled - committed) * 1_000) }
        }
        samples.sort()
        func at(_ fraction: Double) -> Double {
            guard !samples.isEmpty else { return 0 }
            return (samples[min(samples.count - 1, Int(Double(samples.count) * fraction))] * 100).rounded() / 100
        }
        return Percentiles(p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1))
    }

    /// The consumer runs as a separate process, as it would in a real deployment.
    func startConsumer(schema: String, queue: String, type: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["consume", "--schema", schema, "--queue", queue, "--type", type]
        try process.run()
        return process
    }

    func progress(_ line: String) {
        FileHandle.standardError.write(Data("\(line)\n".utf8))
    }
}

/// Hands out 0, 1, 2, … to concurrent producers.
final class Counter: Sendable {
    private let value = Mutex(0)
    func take() -> Int {
        value.withLock { value in
            defer { value += 1 }
            return value
        }
    }
}
