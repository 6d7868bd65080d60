import Foundation
import Hummingbird
import ServiceLifecycle
import ServiceRuntime
import Tokens

/// The scheduler service as the shared runtime sees it.
enum SchedulerService {
    static let descriptor = ServiceDescriptor(
        name: "scheduler", schema: "scheduler", defaultPort: 8083, usesRedis: true, migrations: SchedulerMigrations.all,
        resources: .module, genericPlans: true
    )

    /// Its read models (fed by the `scheduler.events` queue), the assigner, the timekeeper and
    /// the routes.
    static func setUp(router: Router<ServiceRequestContext>, context: ServiceContext) throws -> ServiceAssembly {
        let settings = try SchedulerSettings(context.configuration.environment)
        guard let redis = context.dependencies.redis else { preconditionFailure("the scheduler uses Redis") }
        let store = SchedulerStore(
            client: context.dependencies.database.client, logger: context.logger, reservationTimeout: settings.reservationTimeout
        )
        let assigner = Assigner(store: store, redis: redis, settings: settings, logger: context.logger)
        addRoutes(to: router, views: store, settings: settings, signer: context.signer, wake: { assigner.wake() })
        let gauges = SchedulerGauges()
        context.gauges.add("queue and team") { [database = context.dependencies.database.client] in
            try await gauges.refresh(on: database)
        }
        let consumer = context.consumer(
            of: "scheduler.events", handlers: SchedulerEventHandlers(store: store, assigner: assigner, logger: context.logger).handlers
        )
        return ServiceAssembly(services: consumer + [assigner, Timekeeper(store: store, settings: settings, logger: context.logger)])
    }

    /// The HTTP routes over any views of the queue and the team: the seam the controller tests
    /// build on. `wake` starts an assignment round.
    static func addRoutes(
        to router: Router<ServiceRequestContext>, views: some SchedulerViews, settings: SchedulerSettings, signer: TokenSigner,
        wake: @escaping @Sendable () -> Void
    ) {
        SchedulerController(store: views, settings: settings, wake: wake).addRoutes(
            to: router, admins: BearerTokenMiddleware(signer: signer, requiring: .admin),
            employees: BearerTokenMiddleware(signer: signer, requiring: .employee)
        )
    }
}
