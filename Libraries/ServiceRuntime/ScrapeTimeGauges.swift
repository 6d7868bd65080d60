import Logging
import Resilience
import Synchronization

/// Gauges worked out when Prometheus scrapes `/metrics` rather than kept up to date on the hot
/// path: how many tasks are in each status, how old the outbox's oldest row is. Each refresh is
/// one query at scrape time (every 15 s by default), nothing per event (docs/operations.md).
///
/// A refresh that fails or outlasts `timeout` leaves its gauges as they were and is counted in
/// `orchestrator_scrape_refresh_failures_total`; `orchestrator_dependency_up` says why.
public final class ScrapeTimeGauges: Sendable {
    public typealias Refresh = @Sendable () async throws -> Void

    private let refreshes = Mutex<[(name: String, refresh: Refresh)]>([])
    private let timeout: Duration
    private let logger: Logger

    public init(timeout: Duration = .seconds(2), logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    /// Runs `refresh` before every scrape; it records its gauges itself.
    public func add(_ name: String, _ refresh: @escaping Refresh) {
        refreshes.withLock { $0.append((name, refresh)) }
    }

    /// Runs every refresh at once, each within `timeout`.
    func refreshAll() async {
        let all = refreshes.withLock { $0 }
        await withTaskGroup(of: Void.self) { group in
            for (name, refresh) in all {
                group.addTask { [timeout, logger] in
                    do {
                        try await withDeadline(timeout) { try await refresh() }
                    } catch {
                        ServiceMetrics.scrapeRefreshFailures.increment()
                        logger.debug("a gauge could not be refreshed", metadata: ["gauge": "\(name)", "error": "\(error)"])
                    }
                }
            }
        }
    }
}
