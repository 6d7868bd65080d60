import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus

/// Starts a service: configuration from the environment, logging, metrics, its dependencies and
/// its HTTP server, all in one service group that drains on SIGTERM or SIGINT.
public enum ServiceLauncher {
    /// Exit status for a configuration the service cannot start with (sysexits' EX_CONFIG).
    public static let configurationErrorStatus: Int32 = 78

    public static func main(_ descriptor: ServiceDescriptor) async {
        let configuration: ServiceConfiguration
        do {
            configuration = try ServiceConfiguration(service: descriptor, environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("orchestrator-\(descriptor.name): configuration error: \(error)\n".utf8))
            exit(configurationErrorStatus)
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardOutput(label: label)
            handler.logLevel = configuration.logLevel
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        let logger = Logger(label: "orchestrator.\(descriptor.name)")
        let application = buildApplication(descriptor, configuration: configuration, registry: registry, logger: logger)
        do {
            try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint])
            logger.info("stopped")
        } catch {
            logger.critical("service failed", metadata: ["error": "\(error)"])
            exit(1)
        }
    }

    /// The application with the routes every service shares; `addRoutes` adds the service's own.
    public static func buildApplication(
        _ descriptor: ServiceDescriptor,
        configuration: ServiceConfiguration,
        registry: PrometheusCollectorRegistry,
        logger: Logger,
        addRoutes: (Router<BasicRequestContext>, ServiceDependencies) -> Void = { _, _ in }
    ) -> some ApplicationProtocol {
        let dependencies = ServiceDependencies(descriptor: descriptor, configuration: configuration, logger: logger)
        let router = Router()
        router.add(middleware: ServiceHeaderMiddleware(service: descriptor.name))
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: LogRequestsMiddleware(.debug))
        HealthController(service: descriptor.name, checks: dependencies.healthChecks).addRoutes(to: router)
        MetricsController(registry: registry).addRoutes(to: router)
        addRoutes(router, dependencies)
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: "orchestrator-\(descriptor.name)"),
            services: dependencies.services,
            logger: logger
        )
    }
}
