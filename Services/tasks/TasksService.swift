import ServiceRuntime

/// The tasks service as the shared runtime sees it.
enum TasksService {
    static let descriptor = ServiceDescriptor(
        name: "tasks", schema: "tasks", defaultPort: 8082, usesRedis: false, migrations: TasksMigrations.all
    )
}
