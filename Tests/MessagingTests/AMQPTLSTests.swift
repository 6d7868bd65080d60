import Foundation
import Logging
import Messaging
import Resilience
import Testing

/// `compose/local test` gives its RabbitMQ a TLS listener with a certificate from a CA it makes.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["ORCH_TEST_AMQPS_URL"] != nil, "needs ORCH_TEST_AMQPS_URL"))
struct AMQPTLSTests {
    let environment = ProcessInfo.processInfo.environment
    let logger = Logger(label: "amqps-test")

    func state(caFile: String?) async throws -> DependencyHealth {
        let url = try AMQPURL(parsing: environment["ORCH_TEST_AMQPS_URL"]!)
        var options = AMQPConnection.Options()
        options.caFile = caFile
        let connection = AMQPConnection(url: url, options: options, logger: logger)
        return try await withThrowingTaskGroup(of: DependencyHealth?.self) { group in
            group.addTask {
                await connection.run()
                return nil
            }
            defer { group.cancelAll() }
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                let health = connection.probe()
                if health == .up { return health }
                if case .down(let reason) = health, reason != "not connected yet" { return health }
                try await Task.sleep(for: .milliseconds(50))
            }
            return connection.probe()
        }
    }

    @Test func connectsWhenTheBrokersCertificateAuthorityIsTrusted() async throws {
        let ca = environment["ORCH_TEST_TLS_DIR"]! + "/ca.pem"
        #expect(try await state(caFile: ca) == .up)
    }

    @Test func refusesABrokerSignedByAnAuthorityItDoesNotTrust() async throws {
        let other = environment["ORCH_TEST_TLS_DIR"]! + "/other-ca.pem"
        guard case .down(let reason) = try await state(caFile: other) else {
            Issue.record("connected to a broker whose certificate it should not trust")
            return
        }
        #expect(reason.contains("connect"))
    }

    @Test func refusesWithoutAnyTrustedAuthority() async throws {
        guard case .down = try await state(caFile: nil) else {
            Issue.record("connected to a broker whose certificate it should not trust")
            return
        }
    }
}
