import Logging
import Persistence
import PostgresNIO
import Resilience
import ServiceLifecycle
import Synchronization

/// Tells every waiting request of this replica that the notification log grew: one dedicated
/// database session LISTENs for other replicas' writes and wakes them all, and this replica's
/// writer wakes them itself (`wake`). While the session is down, waiters fall back to their own
/// time limit.
///
/// The session names itself (`applicationName`), so that a writer sends its wake-up only when
/// another replica's session is there to hear it (`NotificationLog.store`).
final class FeedSignal: Service, Sendable {
    static let channel = "notifier_feed"
    static let applicationName = "orchestrator-notifier-feed"

    /// The newest cursor a wake-up named (a writer names the newest row of each insert),
    /// and how many wake-ups named none.
    private struct Reach {
        var newest: Int64 = 0
        var blindWakes = 0
    }

    private let database: DatabaseURL
    private let logger: Logger
    private let grown = Wakeup()
    private let reached = Mutex(Reach())
    private let sessionPID = Atomic<Int32>(0)

    init(database: DatabaseURL, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    var generation: Int { grown.count }

    /// How far the wake-ups so far said the log goes, and how many did not say.
    var reach: (newest: Int64, blindWakes: Int) { reached.withLock { ($0.newest, $0.blindWakes) } }

    func wait(beyond generation: Int, timeout: Duration) async {
        await grown.wait(beyond: generation, timeout: timeout)
    }

    /// The backend of this replica's LISTEN session; 0 while it has none.
    var session: Int32 { sessionPID.load(ordering: .relaxed) }

    /// This replica's writer committed rows up to `newest`: the same wake-up another replica's
    /// would send, without the database.
    func wake(newest: Int64) { grew(newest: newest) }

    /// The log grew, up to `newest` when the wake-up says so.
    private func grew(newest: Int64?) {
        reached.withLock { reach in
            if let newest { reach.newest = max(reach.newest, newest) } else { reach.blindWakes += 1 }
        }
        grown.signal()
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
                defer { self.sessionPID.store(0, ordering: .relaxed) }
                do {
                    // Named before it listens: writers notify once they see the name.
                    let pid = try await connection.query(
                        "SELECT pg_backend_pid() FROM set_config('application_name', \(Self.applicationName), false)",
                        logger: self.logger
                    ).collect().first?.decode(Int32.self)
                    self.sessionPID.store(pid ?? 0, ordering: .relaxed)
                    try await connection.listen(on: Self.channel) { notifications in
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
