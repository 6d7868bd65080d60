import Logging
import Persistence
import PostgresNIO
import Resilience
import ServiceLifecycle
import Synchronization

/// Tells every waiting request of this replica that the notification log grew: one dedicated
/// database session LISTENs for the log's trigger and wakes them all. While the session is
/// down, waiters fall back to their own time limit.
final class FeedSignal: Service, Sendable {
    private struct State {
        var generation = 0
        /// The newest cursor a wake-up named (the log's trigger sends the newest row of each
        /// insert), and how many wake-ups named none.
        var newest: Int64 = 0
        var blindWakes = 0
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        /// Waits whose time ran out (or that were cancelled) before they began waiting.
        var expired: Set<Int> = []
    }

    private let database: DatabaseURL
    private let logger: Logger
    private let state = Mutex(State())

    init(database: DatabaseURL, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Increases every time the log grows.
    var generation: Int { state.withLock { $0.generation } }

    /// How far the wake-ups so far said the log goes, and how many did not say.
    var reach: (newest: Int64, blindWakes: Int) { state.withLock { ($0.newest, $0.blindWakes) } }

    /// Returns once the log grew past `generation`, or after `timeout`.
    func wait(beyond generation: Int, timeout: Duration) async {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        let alarm = Alarm(after: timeout) { self.resume(id) }
        defer {
            alarm.cancel()
            state.withLock { _ = $0.expired.remove(id) }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    guard state.generation == generation, !state.expired.contains(id) else { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            self.resume(id)
        }
    }

    private func resume(_ id: Int) {
        state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiters.removeValue(forKey: id) else {
                state.expired.insert(id)
                return nil
            }
            return waiter
        }?.resume()
    }

    /// The log grew, up to `newest` when the wake-up says so.
    private func grew(newest: Int64?) {
        let waiters = state.withLock { state in
            state.generation += 1
            if let newest { state.newest = max(state.newest, newest) } else { state.blindWakes += 1 }
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        waiters.forEach { $0.resume() }
    }

    func run() async {
        await cancelWhenGracefulShutdown {
            await Backoff().repeatUntilCancelled { error, wait in
                self.logger.warning("notification feed interrupted", metadata: ["error": "\(error)", "retry.in": "\(wait)"])
            } _: { recovered in
                let connection = try await PostgresConnection.connect(
                    configuration: self.database.connectionConfiguration, id: 2, logger: self.logger
                )
                recovered()
                do {
                    try await connection.listen(on: "notifier_feed") { notifications in
                        self.grew(newest: nil)  // anything committed while we were away
                        for try await notification in notifications { self.grew(newest: Int64(notification.payload)) }
                    }
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            }
        }
    }
}
