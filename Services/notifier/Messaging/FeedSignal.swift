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
/// A writer sends its wake-up only when another replica's session may be there to hear it
/// (`othersMayListen`, `NotificationLog.store`). The session names itself (`applicationName`),
/// greets the others' sessions on the channel when it begins listening (whoever hears a greeting
/// knows someone else listens), and looks for other named sessions then and every `lookAgain`
/// (so a replica that left stops being woken). Looking reads `pg_stat_activity`, which copies
/// every backend's status: it used to be part of each batch's statement, 0.1 ms of its 0.37
/// (docs/benchmarks.md).
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
    private let othersListen = Atomic<Bool>(true)
    private let greetings = Atomic<Int>(0)
    private let lookAgain: Duration

    init(database: DatabaseURL, logger: Logger, lookAgain: Duration = .seconds(10)) {
        self.database = database
        self.logger = logger
        self.lookAgain = lookAgain
    }

    /// Whether another replica's feed session may be listening: true until this replica's own
    /// session has looked, and whenever it is down.
    var othersMayListen: Bool { othersListen.load(ordering: .relaxed) }

    /// A greeting's payload (a wake-up's is a cursor, digits only).
    static func greeting(from pid: Int32) -> String { "hello \(pid)" }

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

    /// A wake-up (the newest cursor a writer committed) or another session's greeting.
    private func heard(_ payload: String, own pid: Int32) {
        if payload.hasPrefix("hello ") {
            guard payload != Self.greeting(from: pid) else { return }
            greetings.add(1, ordering: .sequentiallyConsistent)
            othersListen.store(true, ordering: .sequentiallyConsistent)
        } else {
            grew(newest: Int64(payload))
        }
    }

    /// Whether a feed session other than this replica's is connected to the database now. A
    /// greeting heard while it looked wins over an answer that may predate the greeter.
    private func lookForOthers(on connection: PostgresConnection, own pid: Int32) async throws {
        let greeted = greetings.load(ordering: .sequentiallyConsistent)
        let found =
            try await connection.query(
                """
                SELECT EXISTS (SELECT FROM pg_stat_activity
                               WHERE datname = current_database() AND application_name = \(Self.applicationName) AND pid <> \(pid))
                """, logger: logger
            ).collect().first?.decode(Bool.self) ?? true
        if !found, greetings.load(ordering: .sequentiallyConsistent) != greeted { return }
        othersListen.store(found, ordering: .sequentiallyConsistent)
    }

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
                defer {
                    self.sessionPID.store(0, ordering: .relaxed)
                    self.othersListen.store(true, ordering: .relaxed)
                }
                do {
                    // Named before it listens: others look for the name.
                    let pid =
                        try await connection.query(
                            "SELECT pg_backend_pid() FROM set_config('application_name', \(Self.applicationName), false)",
                            logger: self.logger
                        ).collect().first?.decode(Int32.self) ?? 0
                    self.sessionPID.store(pid, ordering: .relaxed)
                    try await connection.listen(on: Self.channel) { notifications in
                        // Listening now: greet the others (their writers wake this session from
                        // their next batch on), then look who else listens.
                        try await connection.query("SELECT pg_notify(\(Self.channel), \(Self.greeting(from: pid)))", logger: self.logger)
                        try await self.lookForOthers(on: connection, own: pid)
                        self.grew(newest: nil)  // anything committed while we were away
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            group.addTask {
                                while true {
                                    try await Task.sleep(for: self.lookAgain)
                                    try await self.lookForOthers(on: connection, own: pid)
                                }
                            }
                            group.addTask {
                                for try await notification in notifications { self.heard(notification.payload, own: pid) }
                            }
                            try await group.next()
                            group.cancelAll()
                        }
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
