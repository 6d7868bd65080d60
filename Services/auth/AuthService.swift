import Foundation
import Hummingbird
import ServiceLifecycle
import ServiceRuntime
import Tokens

/// The auth service as the shared runtime sees it.
enum AuthService {
    static let descriptor = ServiceDescriptor(
        name: "auth", schema: "auth", defaultPort: 8081, usesRedis: false, migrations: AuthMigrations.all,
        resources: .module, learnsAccountChanges: false
    )

    /// Its routes, and the first admin's creation.
    static func setUp(router: Router<ServiceRequestContext>, context: ServiceContext) throws -> ServiceAssembly {
        let settings = try AuthSettings(context.configuration.environment)
        _ = LoginMetrics.all
        let users = UserRepository(client: context.dependencies.database.client, logger: context.logger)
        let hasher = PasswordHasher(cost: settings.bcryptCost)
        addRoutes(to: router, users: users, hasher: hasher, signer: context.signer, settings: settings)
        guard let admin = settings.bootstrapAdmin else { return ServiceAssembly() }
        return ServiceAssembly(services: [
            BootstrapAdmin(
                username: admin.username, password: admin.password, users: users, hasher: hasher,
                database: context.dependencies.database, logger: context.logger
            )
        ])
    }

    /// The HTTP routes over any store of accounts: the seam the controller tests build on.
    static func addRoutes(
        to router: Router<ServiceRequestContext>, users: some UserStore, hasher: PasswordHasher, signer: TokenSigner, settings: AuthSettings
    ) {
        AuthController(users: users, hasher: hasher, signer: signer, settings: settings).addRoutes(to: router)
    }
}
