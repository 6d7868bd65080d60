import EventBackbone
import Foundation
import Hummingbird
import ServiceLifecycle
import ServiceRuntime
import Tokens

/// The notifier service as the shared runtime sees it.
enum NotifierService {
    static let descriptor = ServiceDescriptor(
        name: "notifier", schema: "notifier", defaultPort: 8084, usesRedis: true, migrations: NotifierMigrations.all,
        resources: .module
    )

    /// The shared queue that fills the notification log, the feed signal, presence, the
    /// WebSocket and long-poll routes.
    static func setUp(router: Router<ServiceRequestContext>, context: ServiceContext) throws -> ServiceAssembly {
        let environment = context.configuration.environment
        FeedMetrics.register()
        let longPoll = try environment.duration(
            "ORCH_NOTIFIER_LONG_POLL_TIMEOUT", default: .seconds(25), in: .milliseconds(100)...(.seconds(120)))
        let retention = try environment.duration(
            "ORCH_NOTIFIER_RETENTION", default: .seconds(86_400), in: .seconds(60)...(.seconds(30 * 86_400)))
        let client = context.dependencies.database.client
        var log = NotificationLog(client: client, logger: context.logger)
        let presenceTTL = try environment.duration("ORCH_NOTIFIER_PRESENCE_TTL", default: .seconds(15), in: .seconds(1)...(.seconds(600)))
        let feed = FeedSignal(database: context.configuration.database, logger: context.logger)
        guard let redis = context.dependencies.redis else { preconditionFailure("the notifier uses Redis") }
        let presence = Presence(redis: redis, client: client, ttl: presenceTTL, logger: context.logger)
        addRoutes(to: router, log: log, growth: feed, longPoll: longPoll, signer: context.signer) { employee in
            _ = try? await presence.open(employee: employee, id: "long-poll", keptAlive: false)
        }
        let sendBuffer = try environment.integer("ORCH_NOTIFIER_SEND_BUFFER", default: 1_000, in: 10...100_000)
        let hub = FeedHub(log: log, feed: feed, mailboxCapacity: sendBuffer, logger: context.logger)
        let socket = NotificationSocket(
            log: log, hub: hub, signer: context.signer, cutoffs: context.cutoffs, presence: presence)
        // The rows this replica writes reach its sockets from memory, right after their commit,
        // and wake its long polls (and its hub, after a gap) as another replica's NOTIFY would.
        log.storing = { hub.writing() }
        log.stored = { entries in
            hub.handed(entries)
            if let newest = entries.last?.notification.cursor { feed.wake(newest: newest) }
        }
        log.othersMayListen = { feed.othersMayListen }

        // The feed is one ordered log: one replica at a time writes it, in the order events were
        // published (competing replicas would interleave a task's events out of order).
        var feedOptions = EventConsumer.Options()
        feedOptions.singleActiveConsumer = true
        let consumer = context.consumer(of: "notifier.feed", handlers: log.handlers, options: feedOptions)
        let pruned = log
        return ServiceAssembly(
            services: consumer + [
                feed, hub, presence,
                PeriodicJob("pruning the notification log", every: .seconds(60), logger: context.logger) {
                    try await pruned.prune(olderThan: retention)
                },
            ],
            server: socket.server()
        )
    }

    /// The long-poll route over any log: the seam the controller tests build on. `online` marks
    /// a long-polling employee online.
    static func addRoutes(
        to router: Router<ServiceRequestContext>, log: some NotificationReader, growth: some LogGrowth, longPoll: Duration,
        signer: TokenSigner, online: @escaping @Sendable (UUID) async -> Void
    ) {
        NotificationsController(log: log, feed: growth, longPoll: longPoll, online: online)
            .addRoutes(to: router, signedIn: BearerTokenMiddleware(signer: signer))
    }
}
