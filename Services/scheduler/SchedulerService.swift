import ServiceRuntime

/// The scheduler service as the shared runtime sees it.
enum SchedulerService {
    static let descriptor = ServiceDescriptor(
        name: "scheduler", schema: "scheduler", defaultPort: 8083, usesRedis: true, migrations: SchedulerMigrations.all
    )
}
