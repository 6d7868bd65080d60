import Resilience

/// One named dependency probe that `/health/ready` runs.
public struct HealthCheck: Sendable {
    public let name: String
    public let probe: @Sendable () async -> DependencyHealth

    public init(name: String, probe: @escaping @Sendable () async -> DependencyHealth) {
        self.name = name
        self.probe = probe
    }
}
