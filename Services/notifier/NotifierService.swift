import ServiceRuntime

/// The notifier service as the shared runtime sees it.
enum NotifierService {
    static let descriptor = ServiceDescriptor(
        name: "notifier", schema: "notifier", defaultPort: 8084, usesRedis: true, migrations: NotifierMigrations.all
    )
}
