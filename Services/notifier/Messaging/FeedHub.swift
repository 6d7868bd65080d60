import EventBackbone
import Logging
import Resilience
import ServiceLifecycle
import Synchronization

/// This replica's one reader of the notification log. Each time the log grows it reads the new
/// rows once — for every audience — and posts each to the mailboxes of the connected clients
/// it is for, so ten thousand open sockets cost one query per wake-up, not ten thousand.
///
/// Rows become visible in cursor order (writers take one lock; see `NotificationLog.store`), so
/// reading everything after the last cursor seen never skips a row.
final class FeedHub: Service, Sendable {
    typealias Notification = NotificationLog.Notification

    /// A client's registration: what it is sent live, from just after `start`.
    struct Subscription: Sendable {
        let id: Int
        let audience: Audience
        /// Every row up to here is in the log for the client to replay; every later row for its
        /// audience is posted to `mailbox`.
        let start: Int64
        let mailbox: Mailbox<Notification>
    }

    /// A row of the log and the audience it is for.
    struct Entry: Sendable, Equatable {
        let audience: String
        let notification: Notification
    }

    private struct State {
        /// How far the log has been posted; nil until it was first read.
        var position: FeedPosition?
        var nextID = 0
        /// Mailboxes by audience key (`Audience.key`, as the log stores it).
        var subscribers: [String: [Int: Mailbox<Notification>]] = [:]
        /// Statements of this replica's writer begun and not yet handed over: their rows' wake-up
        /// can come before them, and should not have them read back.
        var writesInFlight = 0
    }

    private let log: NotificationLog
    private let feed: FeedSignal
    private let mailboxCapacity: Int
    private let logger: Logger
    private let state = Mutex(State())
    /// Rung by each hand-over.
    private let handoff = WakeSignal()
    /// Rung once the log has been read for the first time (subscribers wait for it).
    private let started = Wakeup()
    static let pageSize = 1_000
    /// Rows read and posted at once: at most half a mailbox, so a page alone never overflows a
    /// client that keeps up.
    var pageSize: Int { min(Self.pageSize, max(1, mailboxCapacity / 2)) }
    /// A follow that makes no progress this long (a read lost as PostgreSQL restarts never
    /// returns, and every socket of this replica would wait for it) is given up and started again.
    static let stallLimit: Duration = .seconds(10)

    init(log: NotificationLog, feed: FeedSignal, mailboxCapacity: Int, logger: Logger) {
        self.log = log
        self.feed = feed
        self.mailboxCapacity = mailboxCapacity
        self.logger = logger
    }

    /// How many clients are subscribed now.
    var subscriberCount: Int { state.withLock { $0.subscribers.values.reduce(0) { $0 + $1.count } } }

    /// Registers a client of `audience`. Waits until the hub has read the log once (throws if
    /// the task is cancelled first).
    func subscribe(_ audience: Audience) async throws -> Subscription {
        while true {
            let seen = started.count
            let subscription = state.withLock { state -> Subscription? in
                guard let highWater = state.position?.highWater else { return nil }
                state.nextID += 1
                let mailbox = Mailbox<Notification>(capacity: mailboxCapacity)
                state.subscribers[audience.key, default: [:]][state.nextID] = mailbox
                return Subscription(id: state.nextID, audience: audience, start: highWater, mailbox: mailbox)
            }
            if let subscription { return subscription }
            await started.wait(beyond: seen)
            try Task.checkCancellation()
        }
    }

    func unsubscribe(_ subscription: Subscription) {
        state.withLock { state in
            let key = subscription.audience.key
            state.subscribers[key]?[subscription.id] = nil
            if state.subscribers[key]?.isEmpty == true { state.subscribers[key] = nil }
        }
    }

    func run() async {
        await cancelWhenGracefulShutdown {
            await Backoff().repeatUntilCancelled { error, wait in
                self.logger.warning("could not read the notification log", metadata: ["error": "\(error)", "retry.in": "\(wait)"])
            } _: { recovered in
                // One watchdog for the whole follow, not a deadline per read: the read is on the
                // path of every offer, and the loop beats at least once a second when idle.
                let heartbeat = Heartbeat()
                let read = ReadOnce()
                defer { if read.happened { recovered() } }
                try await withWatchdog(heartbeat, limit: Self.stallLimit) { try await self.follow(heartbeat) { read.mark() } }
            }
        }
    }

    /// Reads new rows as the log grows, posting each to its audience's mailboxes — unless this
    /// replica's writer handed them over already (`handed`).
    private func follow(_ heartbeat: Heartbeat, _ recovered: @Sendable () -> Void) async throws {
        if state.withLock({ $0.position }) == nil {
            let latest = try await log.latestCursor()
            state.withLock { $0.position = FeedPosition(highWater: latest) }
            started.signal()
        }
        while !Task.isCancelled {
            heartbeat.beat()
            let seen = feed.generation
            // What the wake-ups said before the read: a blind one that comes during it is not covered.
            let reach = feed.reach
            guard let highWater = state.withLock({ $0.position?.highWater }) else { return }
            let rows = try await log.everything(after: highWater, limit: pageSize)
            recovered()
            state.withLock { state in
                guard let fresh = state.position?.read(rows, blindWakes: reach.blindWakes) else { return }
                Self.post(fresh, in: &state)
            }
            if rows.count == pageSize {
                await letClientsCatchUp(heartbeat)
                continue
            }
            await waitForRowsToRead(after: seen, heartbeat)
        }
    }

    /// Waits until a wake-up names a row not yet posted (or does not say), or a second passes: the
    /// signal wakes us on every commit of every writer; the time limit covers a lost LISTEN session.
    private func waitForRowsToRead(after generation: Int, _ heartbeat: Heartbeat) async {
        var seen = generation
        while !Task.isCancelled {
            await feed.wait(beyond: seen, timeout: .seconds(1))
            let now = feed.generation
            guard now != seen else { return }
            seen = now
            // The wake-up may be for rows our writer is about to hand over (the commit's
            // notification and its reply race): wait for them rather than read them back — but
            // not past the limit, however busy the writer (rows it cannot hand over, after a gap,
            // must be read).
            let deadline = ContinuousClock.now + Self.handoffLimit
            while true {
                let reach = feed.reach
                let (needed, writing) = state.withLock { state in
                    (
                        state.position?.needsRead(newestNotified: reach.newest, blindWakes: reach.blindWakes) ?? true,
                        state.writesInFlight > 0
                    )
                }
                guard needed else { break }
                let left = deadline - ContinuousClock.now
                guard writing, left > .zero else { return }
                await handoff.wait(timeout: left)
            }
            heartbeat.beat()
        }
    }

    /// How long a wake-up waits for this replica's writer to hand its rows over before they are read.
    static let handoffLimit: Duration = .milliseconds(50)

    /// This replica's writer begins a statement; `handed` follows once it ends, however it ends.
    func writing() {
        state.withLock { $0.writesInFlight += 1 }
    }

    /// Rows this replica's writer has just committed, in cursor order: posted at once when they
    /// continue what was posted; otherwise the wake-up that follows (`FeedSignal.wake`), which
    /// names them, has the log read.
    func handed(_ entries: [Entry]) {
        state.withLock { state in
            state.writesInFlight = max(0, state.writesInFlight - 1)
            guard let fresh = state.position?.handed(entries) else { return }
            Self.post(fresh, in: &state)
        }
        handoff.signal()
    }

    private static func post(_ entries: [Entry], in state: inout State) {
        for entry in entries {
            state.subscribers[entry.audience]?.values.forEach { $0.post(entry.notification) }
        }
    }
}

extension FeedHub {
    /// After a full page, the next one waits — up to `catchUpLimit` — until no client holds more
    /// than half its mailbox: a burst read as fast as the database answers must not count a
    /// client that keeps up as too slow (a page posted at once can exceed a mailbox). A client
    /// that really is slow overflows within a few pages and stops holding anyone back.
    static let catchUpLimit: Duration = .milliseconds(100)

    fileprivate func letClientsCatchUp(_ heartbeat: Heartbeat) async {
        let deadline = ContinuousClock.now + Self.catchUpLimit
        while ContinuousClock.now < deadline, !Task.isCancelled {
            let fullest = state.withLock { state in
                state.subscribers.values.lazy.flatMap(\.values).map(\.backlog).max() ?? 0
            }
            if fullest <= mailboxCapacity / 2 { return }
            try? await Task.sleep(for: .milliseconds(2))
        }
        heartbeat.beat()
    }
}

/// Whether a follow read the log at least once (its backoff then starts afresh).
private final class ReadOnce: Sendable {
    private let flag = Mutex(false)
    var happened: Bool { flag.withLock { $0 } }
    func mark() { flag.withLock { $0 = true } }
}
