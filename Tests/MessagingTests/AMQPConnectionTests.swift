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

    @Test func noBatchOfASequenceIsSentAfterOneOfItFailedEvenOnANewConnection() async throws {
        let url = try AMQPURL(parsing: ProcessInfo.processInfo.environment["ORCH_TEST_AMQP_URL"]!)
        let connection = AMQPConnection(url: url, logger: logger)
        func message(to exchange: String) -> OutgoingMessage {
            OutgoingMessage(exchange: exchange, routingKey: "test.sequence", body: Array("{}".utf8), messageId: UUID().uuidString, type: "test.sequence")
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
