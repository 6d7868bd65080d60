import Messaging
import Metrics
import Synchronization

/// What a consumer did with its deliveries, on `/metrics` (docs/operations.md):
///
/// - `orchestrator_deliveries_total{queue,type,outcome}`: `handled` (its effect committed),
///   `duplicate` (the inbox had it: acknowledged without running), `retried` (sent to
///   `<queue>.retry`), `dead_lettered` (to `<queue>.dead`);
/// - `orchestrator_event_handling_seconds{queue}`: one turn of handling — a batch in one
///   transaction, a first try, or one message alone;
/// - the two hop histograms `orchestrator_event_delivery_seconds` and
///   `orchestrator_event_handled_seconds` (``HopLatency``).
///
/// Every metric is made once per queue and type: one looked up by label and dimensions at every
/// delivery would cost more than the observation.
final class ConsumerMetrics: Sendable {
    enum Outcome: String, CaseIterable {
        case handled, duplicate, retried
        case deadLettered = "dead_lettered"
    }

    private struct PerType {
        let delivery: Timer
        let handled: Timer
        let outcomes: [Outcome: Counter]
    }

    private let queue: String
    private let perType = Mutex<[String: PerType]>([:])
    private let handling: Timer

    /// Made at once for every type the queue is bound to, so a dashboard sees zeros rather than
    /// nothing before the first delivery.
    init(queue: String, types: [String]) {
        self.queue = queue
        handling = Timer(label: HopLatency.handling, dimensions: [("queue", queue)], preferredDisplayUnit: .seconds)
        for type in types { _ = metrics(for: type) }
    }

    func delivered(_ deliveries: [Delivery]) {
        let moment = HopLatency.now()
        for delivery in deliveries {
            guard let microseconds = HopLatency.since(delivery.headers, at: moment) else { continue }
            metrics(for: delivery.type).delivery.recordNanoseconds(microseconds * 1_000)
        }
    }

    /// Acknowledged after their effect committed (`.handled`), or without running because the
    /// inbox had them (`.duplicate`).
    func handled(_ deliveries: [Delivery], as outcome: Outcome = .handled) {
        let moment = HopLatency.now()
        for delivery in deliveries {
            let metrics = metrics(for: delivery.type)
            metrics.outcomes[outcome]?.increment()
            guard let microseconds = HopLatency.since(delivery.headers, at: moment) else { continue }
            metrics.handled.recordNanoseconds(microseconds * 1_000)
        }
    }

    func count(_ delivery: Delivery, as outcome: Outcome) {
        metrics(for: delivery.type).outcomes[outcome]?.increment()
    }

    /// Times one turn of handling.
    func timed<Result>(_ body: () async throws -> Result) async rethrows -> Result {
        let start = ContinuousClock.now
        defer { handling.record(duration: ContinuousClock.now - start) }
        return try await body()
    }

    private func metrics(for type: String?) -> PerType {
        let type = type ?? ""
        return perType.withLock { perType in
            if let metrics = perType[type] { return metrics }
            let dimensions = [("queue", queue), ("type", type)]
            var outcomes: [Outcome: Counter] = [:]
            for outcome in Outcome.allCases {
                outcomes[outcome] = Counter(
                    label: "orchestrator_deliveries_total", dimensions: dimensions + [("outcome", outcome.rawValue)])
            }
            let metrics = PerType(
                delivery: Timer(label: HopLatency.delivery, dimensions: dimensions, preferredDisplayUnit: .seconds),
                handled: Timer(label: HopLatency.handled, dimensions: dimensions, preferredDisplayUnit: .seconds),
                outcomes: outcomes
            )
            perType[type] = metrics
            return metrics
        }
    }
}
