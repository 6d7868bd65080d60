import Foundation
import Hummingbird
import HummingbirdTesting
import Resilience
import Testing

@testable import ServiceRuntime

@Suite struct HealthControllerTests {
    func application(_ checks: [HealthCheck]) -> some ApplicationProtocol {
        let router = Router()
        HealthController(service: "tasks", checks: checks).addRoutes(to: router)
        return Application(router: router)
    }

    struct Readiness: Decodable {
        struct Check: Decodable { let status: String; let reason: String? }
        let status: String
        let service: String
        let failing: [String]
        let checks: [String: Check]
    }

    @Test func readyWhenEveryDependencyAnswers() async throws {
        let app = application([HealthCheck(name: "database") { .up }, HealthCheck(name: "broker") { .up }])
        try await app.test(.router) { client in
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .ok)
                let body = try JSONDecoder().decode(Readiness.self, from: Data(buffer: response.body))
                #expect(body.status == "ready")
                #expect(body.failing.isEmpty)
                #expect(body.checks["broker"]?.status == "up")
            }
        }
    }

    @Test func unavailableNamingTheDependencyThatDoesNotAnswer() async throws {
        let app = application([
            HealthCheck(name: "database") { .up },
            HealthCheck(name: "broker") { .down(reason: "connection refused") },
        ])
        try await app.test(.router) { client in
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = try JSONDecoder().decode(Readiness.self, from: Data(buffer: response.body))
                #expect(body.status == "unavailable")
                #expect(body.service == "tasks")
                #expect(body.failing == ["broker"])
                #expect(body.checks["broker"]?.reason == "connection refused")
                #expect(body.checks["database"]?.status == "up")
            }
        }
    }

    @Test func liveWithoutAskingAnyDependency() async throws {
        let app = application([HealthCheck(name: "database") { .down(reason: "down") }])
        try await app.test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }
}
