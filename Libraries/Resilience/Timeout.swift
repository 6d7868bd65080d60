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
    let race = DeadlineRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation, limit: limit, operation: operation)
        }
    } onCancel: {
        race.finish(with: .failure(CancellationError()))
    }
}

/// Whichever comes first — the operation's result, the deadline, the caller's cancellation —
/// resumes the caller, once; the others are cancelled.
private final class DeadlineRace<T: Sendable>: Sendable {
    private let waiter = Mutex<CheckedContinuation<T, any Error>?>(nil)
    private let tasks = Mutex<[Task<Void, Never>]>([])

    func start(_ continuation: CheckedContinuation<T, any Error>, limit: Duration, operation: @escaping @Sendable () async throws -> T) {
        waiter.withLock { $0 = continuation }
        let work = Task {
            do { self.finish(with: .success(try await operation())) } catch { self.finish(with: .failure(error)) }
        }
        let timer = Task {
            guard (try? await Task.sleep(for: limit)) != nil else { return }
            self.finish(with: .failure(TimeoutError(limit: limit)))
        }
        tasks.withLock { $0 = [work, timer] }
        // Finished before the tasks were recorded: the timer is not needed.
        if waiter.withLock({ $0 == nil }) { timer.cancel() }
    }

    func finish(with result: Result<T, any Error>) {
        guard let waiting = waiter.withLock({ $0.take() }) else { return }
        tasks.withLock { $0 }.forEach { $0.cancel() }
        waiting.resume(with: result)
    }
}
