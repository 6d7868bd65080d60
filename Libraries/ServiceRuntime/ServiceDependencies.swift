import EventBackbone
import KeyValueStore
import Logging
import Messaging
import Persistence
import ServiceLifecycle

/// The connections a service holds to PostgreSQL, RabbitMQ and (for some) Redis, each a
/// long-running `Service` that retries by itself, and the readiness checks over them.
public struct ServiceDependencies: Sendable {
    public let database: ServiceDatabase
    public let broker: AMQPConnection
    public let redis: RedisConnection?
    /// Publishes this service's outbox (one active relay among all replicas).
    public let relay: OutboxRelay
    /// Prunes the inbox every ten minutes of what no redelivery can still need.
    public let inboxPruner: PeriodicJob

    public init(descriptor: ServiceDescriptor, configuration: ServiceConfiguration, logger: Logger) {
        database = ServiceDatabase(
            url: configuration.database, schema: descriptor.schema, migrations: descriptor.migrations,
            genericPlans: descriptor.genericPlans, logger: logger
        )
        var options = AMQPConnection.Options()
        options.caFile = configuration.amqpCAFile
        options.name = "amqp-\(descriptor.name)"
        broker = AMQPConnection(url: configuration.amqp, options: options, logger: logger)
        redis = configuration.redis.map { RedisConnection(url: $0, logger: logger) }
        relay = OutboxRelay(schema: descriptor.schema, database: configuration.database, publisher: broker, logger: logger)
        let inbox = Inbox(schema: descriptor.schema, retention: configuration.inboxRetention)
        // Not at once: the migrations that make the inbox run at start too.
        inboxPruner = PeriodicJob("pruning the inbox", every: .seconds(600), firstRunAfter: .seconds(60), logger: logger) { [database] in
            try await inbox.prune(database.client, logger: logger)
        }
    }

    /// The services to run, in start order (they stop in reverse).
    public var services: [any Service] { [database, broker, relay, inboxPruner] }

    public var healthChecks: [HealthCheck] {
        var checks = [
            HealthCheck(name: "database") { [database] in await database.probe() },
            HealthCheck(name: "broker") { [broker] in broker.probe() },
        ]
        if let redis {
            checks.append(HealthCheck(name: "redis") { await redis.probe() })
        }
        return checks
    }
}
