import EventBackbone
import Foundation
import Hummingbird
import ServiceLifecycle
import ServiceRuntime
import Tokens

/// The analytics service as the shared runtime sees it.
enum AnalyticsService {
    static let descriptor = ServiceDescriptor(
        name: "analytics", schema: "analytics", defaultPort: 8085, usesRedis: false, migrations: AnalyticsMigrations.all,
        resources: .module
    )

    /// Its store (fed by the `analytics.events` queue), the figures' publisher, the routes, and
    /// the pruning of old facts.
    static func setUp(router: Router<ServiceRequestContext>, context: ServiceContext) throws -> ServiceAssembly {
        let retention = try context.configuration.environment.duration(
            "ORCH_ANALYTICS_RETENTION", default: .seconds(8 * 86_400), in: .seconds(3_600)...(.seconds(90 * 86_400))
        )
        // Figures reach admins at most once a second (FiguresPublisher): a batch may gather for
        // a fraction of that, so that under load analytics writes a few large batches a second
        // instead of one per handful of events (docs/analytics.md, "Consuming").
        var options = EventConsumer.Options()
        options.gather = try context.configuration.environment.duration(
            "ORCH_ANALYTICS_GATHER", default: .milliseconds(100), in: .zero...(.seconds(1))
        )
        let store = AnalyticsStore(client: context.dependencies.database.client, logger: context.logger)
        let publisher = FiguresPublisher(store: store, logger: context.logger)
        addRoutes(to: router, figures: store, retention: retention, signer: context.signer)
        let consumer = context.consumer(
            of: "analytics.events", handlers: AnalyticsEventHandlers(store: store, publisher: publisher).handlers, options: options
        )
        let pruner = PeriodicJob("pruning old facts", every: .seconds(600), logger: context.logger) {
            try await store.prune(olderThan: retention)
        }
        return ServiceAssembly(services: consumer + [publisher, pruner])
    }

    /// The HTTP routes over any source of figures: the seam the controller tests build on.
    static func addRoutes(
        to router: Router<ServiceRequestContext>, figures: some AnalyticsFigures, retention: Duration, signer: TokenSigner
    ) {
        AnalyticsController(store: figures, retention: retention).addRoutes(
            to: router, admins: BearerTokenMiddleware(signer: signer, requiring: .admin), anyone: BearerTokenMiddleware(signer: signer)
        )
    }
}
