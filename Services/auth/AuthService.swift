import ServiceRuntime

/// The auth service as the shared runtime sees it.
enum AuthService {
    static let descriptor = ServiceDescriptor(
        name: "auth", schema: "auth", defaultPort: 8081, usesRedis: false, migrations: AuthMigrations.all
    )
}
