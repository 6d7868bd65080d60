import Foundation
import Logging
import Messaging
import Resilience
import ServiceLifecycle
import Testing

@Suite(.enabled(if: ProcessInfo.processInfo.environment["ORCH_TEST_AMQP_URL"] != nil, "needs ORCH_TEST_AMQP_URL"))
struct AMQPConnectionTests {
    let logger = Logger(label: "amqp-test")

    /// Runs `connection` until `body` returns, then shuts it down gracefully.
    func whileRunning(_ connection: AMQPConnection, _ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await connection.run() }
            defer { group.cancelAll() }
            try await body()
        }
    }

    func eventually(within limit: Duration, _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }

    @Test func connectsAndReportsUp() async throws {
        let url = try AMQPURL(parsing: ProcessInfo.processInfo.environment["ORCH_TEST_AMQP_URL"]!)
        let connection = AMQPConnection(url: url, logger: logger)
        #expect(connection.probe() != .up)
        try await whileRunning(connection) {
            let connected = try await eventually(within: .seconds(10)) { connection.probe() == .up }
            #expect(connected)
        }
    }

    /// As a service's own broker user (the analytics service's, which the test command passes):
    /// a routing key another service owns is refused — the channel closes with access-refused —
    /// and the connection comes back and publishes what the user may (docs/security.md).
    @Test(
        .enabled(if: ProcessInfo.processInfo.environment["ORCH_TEST_AMQP_ANALYTICS_URL"] != nil, "needs the analytics user's URL"))
    func aKeyTheUserDoesNotOwnIsRefusedAndTheConnectionCarriesOn() async throws {
        let url = try AMQPURL(parsing: ProcessInfo.processInfo.environment["ORCH_TEST_AMQP_ANALYTICS_URL"]!)
        let connection = AMQPConnection(url: url, logger: logger)
        func message(_ exchange: String, _ key: String) -> OutgoingMessage {
            OutgoingMessage(exchange: exchange, routingKey: key, body: Array("{}".utf8), messageId: UUID().uuidString, type: key)
        }
        try await whileRunning(connection) {
            #expect(try await eventually(within: .seconds(10)) { connection.probe() == .up })
            for (exchange, key) in [(Exchanges.events, "task.completed"), (Exchanges.retry, "scheduler.events"), ("", "scheduler.events")] {
                #expect(try await eventually(within: .seconds(10)) { connection.probe() == .up })
                let refused = await #expect(throws: AMQPError.self) { try await connection.publish([message(exchange, key)]) }
                #expect("\(refused.map { "\($0)" } ?? "")".contains("ACCESS_REFUSED"), "\(exchange) \(key)")
            }
            // Its own: a key naming its own queues on the retry exchange (bound to nothing here).
            var published = false
            let deadline = ContinuousClock.now + .seconds(10)
            while !published, ContinuousClock.now < deadline {
                published = (try? await connection.publish([message(Exchanges.retry, "analytics.test-nothing")])) != nil
                if !published { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(published)
        }
    }

    @Test func noBatchOfASequenceIsSentAfterOneOfItFailedEvenOnANewConnection() async throws {
        let url = try AMQPURL(parsing: ProcessInfo.processInfo.environment["ORCH_TEST_AMQP_URL"]!)
        let connection = AMQPConnection(url: url, logger: logger)
        func message(to exchange: String) -> OutgoingMessage {
            OutgoingMessage(
                exchange: exchange, routingKey: "test.sequence", body: Array("{}".utf8), messageId: UUID().uuidString, type: "test.sequence"
            )
        }
        try await whileRunning(connection) {
            #expect(try await eventually(within: .seconds(10)) { connection.probe() == .up })
            let sequence = PublishSequence()
            // The broker refuses a publish to an exchange that does not exist, and the channel goes with it.
            await #expect(throws: (any Error).self) {
                try await connection.send([message(to: "orch.test.missing.\(UUID().uuidString)")], in: sequence).confirmed()
            }
            // A new sequence (a relay's next session) publishes once the connection is back…
            var published = false
            let deadline = ContinuousClock.now + .seconds(10)
            while !published, ContinuousClock.now < deadline {
                do {
                    try await connection.send([message(to: Exchanges.events)], in: PublishSequence()).confirmed()
                    published = true
                } catch {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            #expect(published)
            // …while the next batch of the broken one is still not sent over the new connection.
            await #expect(throws: (any Error).self) {
                try await connection.send([message(to: Exchanges.events)], in: sequence).confirmed()
            }
        }
    }

    /// Acks are coalesced into `multiple` acks (`AckLedger`): whatever order deliveries are acked
    /// and rejected in, the broker must forget exactly those — one left unacked comes back to the
    /// next connection, and no ack closes the channel.
    @Test func coalescedAcksSettleExactlyWhatWasAcked() async throws {
        let url = try AMQPURL(parsing: ProcessInfo.processInfo.environment["ORCH_TEST_AMQP_URL"]!)
        let key = "test.acks.\(UUID().uuidString)"
        let queue = QueueDeclaration(name: "orch.test.acks.\(UUID().uuidString)", bindings: [key], type: .classic, expires: .seconds(120))
        func message(_ n: Int) -> OutgoingMessage {
            OutgoingMessage(exchange: Exchanges.events, routingKey: key, body: Array("\(n)".utf8), messageId: UUID().uuidString, type: key)
        }
        func number(_ delivery: Delivery) -> Int { Int(String(decoding: delivery.body, as: UTF8.self)) ?? -1 }
        func take(_ count: Int, from deliveries: DeliveryQueue) async -> [Delivery] {
            var taken: [Delivery] = []
            while taken.count < count, let more = await deliveries.next(upTo: count - taken.count) { taken += more }
            return taken
        }

        let first = AMQPConnection(url: url, logger: logger)
        first.declare([queue])
        try await whileRunning(first) {
            let up = try await eventually(within: .seconds(10)) { first.probe() == .up }
            #expect(up)
            try await first.publish((1...8).map(message))
            let deliveries = first.deliveries(from: queue.name, prefetch: 50)
            let received = await take(8, from: deliveries)
            #expect(received.map(number) == Array(1...8))
            let byNumber = Dictionary(uniqueKeysWithValues: received.map { (number($0), $0) })
            // A run behind an unacked delivery, a reject inside it, one left out for good.
            first.ack([byNumber[2]!, byNumber[3]!, byNumber[4]!])
            first.reject(byNumber[5]!, requeue: false)
            first.ack([byNumber[6]!, byNumber[8]!])
            try await Task.sleep(for: .milliseconds(200))
            first.ack(byNumber[1]!)
            // The channel is still open: a publish after those acks is delivered and settled.
            try await first.publish([message(9)])
            let ninth = await take(1, from: deliveries)
            #expect(ninth.map(number) == [9])
            first.ack(ninth)
            try await Task.sleep(for: .milliseconds(200))
            #expect(first.probe() == .up)
        }

        let second = AMQPConnection(url: url, logger: logger)
        try await whileRunning(second) {
            let up = try await eventually(within: .seconds(10)) { second.probe() == .up }
            #expect(up)
            let deliveries = second.deliveries(from: queue.name, prefetch: 50)
            let again = await take(1, from: deliveries)
            #expect(again.map(number) == [7])
            second.ack(again)
            // Nothing else comes back.
            let more = try? await withDeadline(.seconds(1)) { await deliveries.next(upTo: 10) }
            #expect(more == nil, "redelivered: \(more?.map(number) ?? [])")
        }
    }

    @Test func reportsDownWithTheReasonWhileTheBrokerIsUnreachable() async throws {
        let url = try AMQPURL(parsing: "amqp://guest:guest@127.0.0.1:1/%2f")
        let connection = AMQPConnection(url: url, logger: logger)
        try await whileRunning(connection) {
            let refused = try await eventually(within: .seconds(5)) {
                if case .down(let reason) = connection.probe() { return reason.contains("connect to 127.0.0.1:1") }
                return false
            }
            #expect(refused)
        }
    }

    @Test func wrongCredentialsAreReportedNotRetriedSilently() async throws {
        var url = try AMQPURL(parsing: ProcessInfo.processInfo.environment["ORCH_TEST_AMQP_URL"]!)
        url.password = "definitely-wrong"
        let connection = AMQPConnection(url: url, logger: logger)
        try await whileRunning(connection) {
            let refused = try await eventually(within: .seconds(10)) {
                if case .down(let reason) = connection.probe() { return reason.contains("login") }
                return false
            }
            #expect(refused)
        }
    }
}
