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
    try await racing(operation) {
        try await Task.sleep(for: limit)
        return TimeoutError(limit: limit)
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
    return try await racing(operation) {
        while true {
            let age = heartbeat.age
            if age >= limit { return StalledError(limit: limit) }
            try await Task.sleep(for: limit - age)
        }
    }
}

/// Runs `operation` against `timer`, which returns the error to fail with when it wins.
private func racing<T: Sendable>(
    _ operation: @escaping @Sendable () async throws -> T, timer: @escaping @Sendable () async throws -> any Error
) async throws -> T {
    let race = DeadlineRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation, operation: operation, timer: timer)
            // Cancelled before the race began: the handler found nothing to finish then (a
            // watchdog's operation that keeps beating would otherwise run, unwaited, for ever).
            if Task.isCancelled { race.finish(with: .failure(CancellationError())) }
        }
    } onCancel: {
        race.finish(with: .failure(CancellationError()))
    }
}

/// Whichever comes first — the operation's result, the timer, the caller's cancellation —
/// resumes the caller, once; the others are cancelled.
private final class DeadlineRace<T: Sendable>: Sendable {
    private let waiter = Mutex<CheckedContinuation<T, any Error>?>(nil)
    private let tasks = Mutex<[Task<Void, Never>]>([])

    func start(
        _ continuation: CheckedContinuation<T, any Error>, operation: @escaping @Sendable () async throws -> T,
        timer expiry: @escaping @Sendable () async throws -> any Error
    ) {
        waiter.withLock { $0 = continuation }
        let work = Task {
            do { self.finish(with: .success(try await operation())) } catch { self.finish(with: .failure(error)) }
        }
        let timer = Task {
            guard let error = try? await expiry() else { return }
            self.finish(with: .failure(error))
        }
        tasks.withLock { $0 = [work, timer] }
        // Finished before the tasks were recorded (by the operation, or by a cancellation that
        // found no tasks to cancel): neither is needed any more.
        if waiter.withLock({ $0 == nil }) {
            work.cancel()
            timer.cancel()
        }
    }

    func finish(with result: Result<T, any Error>) {
        guard let waiting = waiter.withLock({ $0.take() }) else { return }
        tasks.withLock { $0 }.forEach { $0.cancel() }
        waiting.resume(with: result)
    }
}
