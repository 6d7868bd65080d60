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
