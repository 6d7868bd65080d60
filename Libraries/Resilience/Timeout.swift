import Synchronization

/// Thrown by ``withTimeout(_:operation:)`` and ``withDeadline(_:operation:)`` when the operation took too long.
public struct TimeoutError: Error, CustomStringConvertible {
    public let limit: Duration
    public var description: String { "timed out after \(limit)" }
}

/// Runs `operation`, cancelling it when it has not finished within `limit`.
///
/// The operation must honour cancellation (or bound itself) for the limit to hold.
public func withTimeout<T: Sendable>(
    _ limit: Duration, operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimeoutError(limit: limit)
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw CancellationError() }
        return first
    }
}

/// Runs `operation` and gives up waiting for it after `limit`, whether or not it honours
/// cancellation: it is cancelled and left to finish on its own. For calls that can hang past
/// cancellation — a database client's query on a connection the server closed at the wrong
/// moment never completes (found by the PostgreSQL restart drill).
public func withDeadline<T: Sendable>(
    _ limit: Duration, operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await DeadlineRace<T>().run(operation) { race in
        let alarm = Alarm(after: limit) { race.finish(with: .failure(TimeoutError(limit: limit))) }
        return { alarm.cancel() }
    }
}

/// Thrown by ``withWatchdog(_:limit:operation:)`` when the operation stopped beating.
public struct StalledError: Error, CustomStringConvertible {
    public let limit: Duration
    public var description: String { "no progress for \(limit)" }
}

/// A long-running loop's sign of life: it calls `beat()` each time it gets something done.
public final class Heartbeat: Sendable {
    private let last = Mutex(ContinuousClock.now)

    public init() {}

    public func beat() { last.withLock { $0 = .now } }

    /// Time since the last beat.
    public var age: Duration { ContinuousClock.now - last.withLock { $0 } }
}

/// Runs a long-lived `operation` (a relay's session, say) and gives up on it once `heartbeat`
/// has not beaten for `limit` — whether or not it honours cancellation: it is cancelled and left
/// to finish on its own, and the caller gets ``StalledError``. For loops whose every step waits
/// on a connection that may hang for good, where a deadline per step would be a wrapper around
/// every call. The operation's first beat is counted from the start.
public func withWatchdog<T: Sendable>(
    _ heartbeat: Heartbeat, limit: Duration, operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    heartbeat.beat()
    return try await DeadlineRace<T>().run(operation) { race in
        let timer = Task {
            while true {
                let age = heartbeat.age
                if age >= limit { return race.finish(with: .failure(StalledError(limit: limit))) }
                do { try await Task.sleep(for: limit - age) } catch { return }
            }
        }
        return { timer.cancel() }
    }
}

/// Whichever comes first — the operation's result, `finish` from the timer, the caller's
/// cancellation — resumes the caller, once; the operation and the timer are cancelled.
private final class DeadlineRace<T: Sendable>: Sendable {
    private let waiter = Mutex<CheckedContinuation<T, any Error>?>(nil)
    private let cancellers = Mutex<[@Sendable () -> Void]>([])

    /// Runs `operation` against the timer `arm` sets (once the race has begun, so a timer that
    /// fires at once still finds it), which returns how to stop that timer.
    func run(
        _ operation: @escaping @Sendable () async throws -> T, timer arm: (DeadlineRace) -> @Sendable () -> Void
    ) async throws -> T {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiter.withLock { $0 = continuation }
                let work = Task {
                    do { self.finish(with: .success(try await operation())) } catch { self.finish(with: .failure(error)) }
                }
                let stopTimer = arm(self)
                cancellers.withLock { $0 = [{ work.cancel() }, stopTimer] }
                // Finished before these were recorded (by the operation, the timer, or a
                // cancellation that found nothing to cancel): neither is needed any more.
                if waiter.withLock({ $0 == nil }) {
                    work.cancel()
                    stopTimer()
                }
                // Cancelled before the race began: the handler found nothing to finish then (a
                // watchdog's operation that keeps beating would otherwise run, unwaited, for ever).
                if Task.isCancelled { finish(with: .failure(CancellationError())) }
            }
        } onCancel: {
            finish(with: .failure(CancellationError()))
        }
    }

    func finish(with result: Result<T, any Error>) {
        guard let waiting = waiter.withLock({ $0.take() }) else { return }
        cancellers.withLock { $0 }.forEach { $0() }
        waiting.resume(with: result)
    }
}
