import ServiceRuntime

/// The analytics service as the shared runtime sees it.
enum AnalyticsService {
    static let descriptor = ServiceDescriptor(
        name: "analytics", schema: "analytics", defaultPort: 8085, usesRedis: false, migrations: AnalyticsMigrations.all
    )
}
