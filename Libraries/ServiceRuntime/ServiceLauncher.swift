import EventBackbone
import EventContracts
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import Messaging
import Metrics
import NIOCore
import NIOPosix
import Prometheus
import ServiceLifecycle
import Telemetry
import Tokens

/// Starts a service: configuration from the environment, logging, metrics, its dependencies and
/// its HTTP server, all in one service group that drains on SIGTERM or SIGINT.
public enum ServiceLauncher {
    /// Exit status for a configuration the service cannot start with (sysexits' EX_CONFIG).
    public static let configurationErrorStatus: Int32 = 78

    public static func main(_ descriptor: ServiceDescriptor, setUp: @escaping ServiceSetUp = { _, _ in ServiceAssembly() }) async {
        // Swift's tasks run on NIO's event loop threads, where the sockets already are: a
        // request, a query's answer or a delivery no longer hops to another pool of threads
        // and back (docs/benchmarks.md measured the hops as most of a service's CPU). Nothing a
        // service runs blocks a thread: bcrypt, hiredis and librabbitmq-c have threads of their own.
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        let configuration: ServiceConfiguration
        do {
            configuration = try ServiceConfiguration(service: descriptor, environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("orchestrator-\(descriptor.name): configuration error: \(error)\n".utf8))
            exit(configurationErrorStatus)
        }
        let registry = PrometheusCollectorRegistry()
        var metrics = PrometheusMetricsFactory(registry: registry)
        // The requests' too (Hummingbird's label; `/metrics` shows it as
        // `http_server_request_duration`): the default buckets start at 5 ms, longer than most
        // requests here take.
        for label in HopLatency.histograms + ["http.server.request.duration"] {
            metrics.durationHistogramBuckets[label] = HopLatency.buckets
        }
        metrics.durationHistogramBuckets.merge(descriptor.histogramBuckets) { _, own in own }
        MetricsSystem.bootstrap(metrics)
        // After the metrics: the exporter's counters are made with it.
        let exporter = TelemetrySystem.bootstrap(
            service: descriptor.name, level: configuration.logLevel, format: configuration.logFormat,
            otlpEndpoint: configuration.otlpEndpoint)

        let logger = Logger(label: "orchestrator.\(descriptor.name)")
        raiseOpenFileLimit(logger: logger)
        let application: any ApplicationProtocol
        do {
            application = try buildApplication(
                descriptor, configuration: configuration, registry: registry, logger: logger, exporter: exporter, setUp: setUp)
        } catch {
            FileHandle.standardError.write(Data("orchestrator-\(descriptor.name): configuration error: \(error)\n".utf8))
            exit(configurationErrorStatus)
        }
        do {
            try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint])
            logger.info("stopped")
        } catch {
            logger.critical("service failed", metadata: ["error": "\(error)"])
            exit(1)
        }
    }

    /// Adds a service's own routes to the router and returns its own long-running services
    /// (consumers, sweeps, …), which start after the shared ones, and its kind of HTTP server.
    public typealias ServiceSetUp = (Router<ServiceRequestContext>, ServiceContext) throws -> ServiceAssembly

    /// The application with the routes every service shares, and the service's own.
    public static func buildApplication(
        _ descriptor: ServiceDescriptor,
        configuration: ServiceConfiguration,
        registry: PrometheusCollectorRegistry,
        logger: Logger,
        exporter: OTLPExporter? = nil,
        setUp: ServiceSetUp = { _, _ in ServiceAssembly() }
    ) throws -> some ApplicationProtocol {
        let parts = try assemble(descriptor, configuration: configuration, registry: registry, logger: logger, setUp: setUp)
        return Application(
            router: parts.router,
            server: parts.own.server,
            configuration: .init(
                address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: "orchestrator-\(descriptor.name)"),
            // The exporter first: a service group stops its services in reverse order, so it
            // stops after the rest, sending what their ends recorded.
            services: (exporter.map { [$0] } ?? []) + parts.dependencies.services + parts.own.services,
            logger: logger
        )
    }

    /// The router with every route the service answers, its dependencies and what it adds;
    /// nothing connects until the application runs (the route ⇄ document tests build it alone).
    public static func assemble(
        _ descriptor: ServiceDescriptor,
        configuration: ServiceConfiguration,
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        logger: Logger,
        setUp: ServiceSetUp
    ) throws -> (router: Router<ServiceRequestContext>, dependencies: ServiceDependencies, own: ServiceAssembly, document: OpenAPIDocument?)
    {
        let dependencies = ServiceDependencies(descriptor: descriptor, configuration: configuration, logger: logger)
        let gauges = ScrapeTimeGauges(logger: logger)
        let process = ProcessMetrics()
        gauges.add("process") { process.refresh() }
        let outbox = OutboxBacklog(schema: descriptor.schema)
        gauges.add("outbox backlog") { [database = dependencies.database.client] in try await outbox.refresh(on: database) }
        // Every token is held to its user's cut-off (docs/auth.md, "Revocation").
        let cutoffs = TokenCutoffs(
            schema: descriptor.schema, database: configuration.database, client: dependencies.database.client, logger: logger)
        var signer = TokenSigner(keys: configuration.tokenKeys)
        signer.revocation = cutoffs
        let context = ServiceContext(
            descriptor: descriptor, configuration: configuration, dependencies: dependencies, signer: signer, cutoffs: cutoffs,
            gauges: gauges, logger: logger
        )
        let router = router(for: descriptor.name)
        let health = HealthController(service: descriptor.name, checks: dependencies.healthChecks)
        health.addRoutes(to: router)
        // Probed at every scrape too: recorded only by readiness calls, the gauge said "up" for
        // minutes after Redis stopped where nothing polled readiness (the local stack).
        gauges.add("dependencies") { _ = await health.readiness() }
        MetricsController(registry: registry, gauges: gauges).addRoutes(to: router)
        var own = try setUp(router, context)
        own.services = [cutoffs] + (descriptor.learnsAccountChanges ? context.accountChanges() : []) + own.services
        let deadLetters = DeadLetterStore(
            schema: descriptor.schema, database: dependencies.database.client, publisher: dependencies.broker, logger: logger)
        DeadLetterController(service: descriptor.name, store: deadLetters).addRoutes(
            to: router, admins: BearerTokenMiddleware(signer: context.signer, requiring: .admin))
        gauges.add("dead letters") { try await deadLetters.refreshGauge() }
        let document = try descriptor.resources.map(OpenAPIDocument.load(from:))
        document.map { OpenAPIController(document: $0).addRoutes(to: router) }
        return (router, dependencies, own, document)
    }
}

extension ServiceLauncher {
    /// A router with what every route of a service runs behind: the service's header, errors as
    /// JSON, request metrics and logs. The controller tests build a service's routes on it too.
    public static func router(for service: String) -> Router<ServiceRequestContext> {
        let router = Router(context: ServiceRequestContext.self)
        // A span per request, continuing the caller's `traceparent` (docs/operations.md): what
        // the request writes to the outbox carries it on. A socket's token never goes in a span.
        router.add(middleware: TracingMiddleware(redactingQueryParameters: ["token"]))
        router.add(middleware: ServiceHeaderMiddleware(service: service))
        router.add(middleware: JSONErrorMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: LogRequestsMiddleware(.debug))
        return router
    }
}

/// What a service's own routes and services are built from.
public struct ServiceContext: Sendable {
    public let descriptor: ServiceDescriptor
    public let configuration: ServiceConfiguration
    public let dependencies: ServiceDependencies
    /// Verifies (and, in auth, issues) tokens, each held to its user's cut-off.
    public let signer: TokenSigner
    /// Each user's token cut-off (docs/auth.md, "Revocation").
    public let cutoffs: TokenCutoffs
    /// Gauges the service works out when `/metrics` is scraped (tasks by status, …).
    public let gauges: ScrapeTimeGauges
    public let logger: Logger

    /// A consumer of `queue` through the service's inbox, on a broker connection of its own
    /// (consuming and publishing do not share one): the services to run, connection first.
    public func consumer(
        of queue: String, handlers: EventHandlers, options consumerOptions: EventConsumer.Options = .init()
    ) -> [any Service] {
        var options = AMQPConnection.Options()
        options.name = "amqp-\(descriptor.name)-consumer"
        options.caFile = configuration.amqpCAFile
        let connection = AMQPConnection(url: configuration.amqp, options: options, logger: logger)
        let consumer = EventConsumer(
            queue: queue, queueType: configuration.amqpQueueType, handlers: handlers, schema: descriptor.schema,
            database: dependencies.database.client, consumer: connection, publisher: dependencies.broker,
            options: consumerOptions, logger: logger
        )
        return [connection, consumer]
    }

    /// The consumer of `<service>.accounts`, which records the cut-off a `user.updated` carries.
    func accountChanges() -> [any Service] {
        var handlers = EventHandlers()
        handlers.on(UserUpdated.self) { [schema = descriptor.schema, logger] event, connection in
            guard let cutoff = event.data.tokensValidFrom else { return }
            try await TokenCutoffs.record(event.data.userId, from: cutoff, schema: schema, on: connection, logger: logger)
        }
        return consumer(of: "\(descriptor.name).accounts", handlers: handlers)
    }
}

/// What a service adds to the shared runtime.
public struct ServiceAssembly {
    public var services: [any Service]
    /// Plain HTTP/1.1 unless the service needs more (the notifier upgrades to WebSockets).
    public var server: HTTPServerBuilder

    public init(services: [any Service] = [], server: HTTPServerBuilder = .http1()) {
        self.services = services
        self.server = server
    }
}
