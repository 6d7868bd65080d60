import Hummingbird
import Metrics
import Resilience

/// `GET /health/live` (the process answers) and `GET /health/ready` (every dependency answers:
/// 200, otherwise 503 naming the ones that do not). Each readiness check, and each scrape of
/// `/metrics`, records `orchestrator_dependency_up{dependency}`.
public struct HealthController: Sendable {
    let service: String
    let checks: [HealthCheck]

    public init(service: String, checks: [HealthCheck]) {
        self.service = service
        self.checks = checks
    }

    struct Liveness: ResponseCodable {
        let status: String
        let service: String
    }

    struct Readiness: ResponseCodable {
        struct Check: Codable {
            let status: String
            let reason: String?
        }
        let status: String
        let service: String
        let failing: [String]
        let checks: [String: Check]
    }

    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get("/health/live") { _, _ in Liveness(status: "live", service: service) }
        router.get("/health/ready") { _, _ in
            let readiness = await readiness()
            return EditedResponse(status: readiness.failing.isEmpty ? .ok : .serviceUnavailable, response: readiness)
        }
    }

    func readiness() async -> Readiness {
        let results = await withTaskGroup(of: (String, DependencyHealth).self) { group in
            for check in checks {
                group.addTask { (check.name, await check.probe()) }
            }
            return await group.reduce(into: [String: DependencyHealth]()) { $0[$1.0] = $1.1 }
        }
        var reported: [String: Readiness.Check] = [:]
        for (name, health) in results {
            Gauge(label: "orchestrator_dependency_up", dimensions: [("dependency", name)]).record(health.isUp ? 1 : 0)
            switch health {
            case .up: reported[name] = .init(status: "up", reason: nil)
            case .down(let reason): reported[name] = .init(status: "down", reason: reason)
            }
        }
        let failing = checks.map(\.name).filter { !(results[$0]?.isUp ?? false) }
        return Readiness(status: failing.isEmpty ? "ready" : "unavailable", service: service, failing: failing, checks: reported)
    }
}
