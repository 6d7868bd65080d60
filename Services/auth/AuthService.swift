import Foundation
import Hummingbird
import ServiceLifecycle
import ServiceRuntime

/// The auth service as the shared runtime sees it.
enum AuthService {
    static let descriptor = ServiceDescriptor(
        name: "auth", schema: "auth", defaultPort: 8081, usesRedis: false, migrations: AuthMigrations.all,
        resources: .module
    )

    /// Its routes, and the first admin's creation.
    static func setUp(router: Router<ServiceRequestContext>, context: ServiceContext) throws -> ServiceAssembly {
        let settings = try AuthSettings(context.configuration.environment)
        let users = UserRepository(client: context.dependencies.database.client, logger: context.logger)
        let hasher = PasswordHasher(cost: settings.bcryptCost)
        AuthController(users: users, hasher: hasher, signer: context.signer, settings: settings).addRoutes(to: router)
        guard let admin = settings.bootstrapAdmin else { return ServiceAssembly() }
        return ServiceAssembly(services: [
            BootstrapAdmin(
                username: admin.username, password: admin.password, users: users, hasher: hasher,
                database: context.dependencies.database, logger: context.logger
            )
        ])
    }
}
