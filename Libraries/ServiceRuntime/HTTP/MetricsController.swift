import Hummingbird
import Metrics
import Prometheus

/// `GET /metrics`: everything recorded through swift-metrics, in Prometheus text format, after
/// the scrape-time gauges are brought up to date (docs/operations.md lists every metric).
public struct MetricsController: Sendable {
    let registry: PrometheusCollectorRegistry
    let gauges: ScrapeTimeGauges?

    public init(registry: PrometheusCollectorRegistry, gauges: ScrapeTimeGauges? = nil) {
        self.registry = registry
        self.gauges = gauges
    }

    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get("/metrics") { _, _ in
            await gauges?.refreshAll()
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16_384)
            registry.emit(into: &buffer)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer))
            )
        }
    }
}

/// The runtime's own metrics.
enum ServiceMetrics {
    static let scrapeRefreshFailures = Counter(label: "orchestrator_scrape_refresh_failures_total")
}
