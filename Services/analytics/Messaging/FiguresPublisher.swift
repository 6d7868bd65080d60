import EventBackbone
import EventContracts
import Foundation
import Logging
import Resilience
import ServiceLifecycle
import Synchronization

/// Publishes `analytics.updated` — the headline figures that changed since the last time — at
/// most once a second, and only while events keep changing them. Several replicas may each
/// publish; consumers treat the event as "refresh", so that is harmless.
final class FiguresPublisher: Service, Sendable {
    private let store: AnalyticsStore
    private let logger: Logger
    private let interval: Duration
    private let state = Mutex<(dirty: Bool, last: [String: JSONValue])>((false, [:]))

    init(store: AnalyticsStore, interval: Duration = .seconds(1), logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    func figuresMayHaveChanged() { state.withLock { $0.dirty = true } }

    func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: self.interval)
                guard
                    self.state.withLock({ state in
                        defer { state.dirty = false }; return state.dirty
                    })
                else { continue }
                do {
                    try await withDeadline(.seconds(15)) { try await self.publishChanges() }
                } catch {
                    self.figuresMayHaveChanged()  // try again next time
                    self.logger.warning("could not publish analytics.updated", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// The headline figures: tasks by status, the last minute's throughput, open overdue tasks.
    func headline() async throws -> [String: JSONValue] {
        let counts = try await store.eventCounts(window: Window(.seconds(60)), employee: nil)
        var figures: [String: JSONValue] = [
            "tasksByStatus": .object(try await store.countsByStatus().mapValues { .number(Double($0)) }),
            "createdLastMinute": .number(Double(counts["task.created"] ?? 0)),
            "completedLastMinute": .number(Double(counts["task.completed"] ?? 0)),
            "failedLastMinute": .number(Double(counts["task.failed"] ?? 0)),
            "overdueTasks": .number(Double(try await store.overdueOpen())),
        ]
        if let waiting = try await store.longestWaiting() { figures["longestWaitingSeconds"] = .number(waiting.waitingSeconds.rounded()) }
        return figures
    }

    private func publishChanges() async throws {
        let now = try await headline()
        let changed = state.withLock { state in now.filter { state.last[$0.key] != $0.value } }
        guard !changed.isEmpty else { return }
        try await store.client.transaction(logger: logger) { connection in
            let event = EventEnvelope(source: "analytics", correlationId: UUID.random(), data: AnalyticsUpdated(figures: changed))
            try await store.outbox.append(event, on: connection, logger: logger)
        }
        state.withLock { $0.last = now }
    }
}
