import Synchronization

/// Messages published together: the broker confirms each one; ``confirmed()`` returns once it
/// confirmed them all, and throws as soon as one was refused or the connection broke first.
public final class PublishBatch: Sendable {
    private struct State {
        var remaining: Int
        var failure: (any Error)?
        var waiters: [CheckedContinuation<Void, any Error>] = []
        var done: Bool { remaining <= 0 || failure != nil }
    }

    private let state: Mutex<State>
    /// The sequence it belongs to, broken by its failure.
    private let sequence: PublishSequence?

    init(count: Int, sequence: PublishSequence? = nil) {
        state = Mutex(State(remaining: count))
        self.sequence = sequence
    }

    /// Waits until every message of the batch is confirmed.
    public func confirmed() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let result: Result<Void, any Error>? = state.withLock { state in
                guard state.done else {
                    state.waiters.append(continuation)
                    return nil
                }
                return state.failure.map { .failure($0) } ?? .success(())
            }
            if let result { continuation.resume(with: result) }
        }
    }

    /// One message was confirmed.
    func confirm() {
        settle { $0.remaining -= 1 }
    }

    /// One message was refused, or will never be confirmed.
    func fail(_ error: any Error) {
        // The sequence breaks before anyone can learn of the failure and send again.
        sequence?.fail(error)
        settle { if !$0.done { $0.failure = error } }
    }

    private func settle(_ update: (inout State) -> Void) {
        let (waiters, result) = state.withLock { state -> ([CheckedContinuation<Void, any Error>], Result<Void, any Error>) in
            let wasDone = state.done
            update(&state)
            guard state.done, !wasDone else { return ([], .success(())) }
            defer { state.waiters.removeAll() }
            return (state.waiters, state.failure.map { .failure($0) } ?? .success(()))
        }
        waiters.forEach { $0.resume(with: result) }
    }
}
