import Synchronization

/// Messages published together, whose caller waits until the broker confirmed all of them
/// (or one was refused, or the connection broke).
final class PublishBatch: Sendable {
    private struct State {
        var remaining: Int
        var failure: (any Error)?
        var continuation: CheckedContinuation<Void, any Error>?
    }

    private let state: Mutex<State>

    init(count: Int, continuation: CheckedContinuation<Void, any Error>) {
        state = Mutex(State(remaining: count, failure: nil, continuation: continuation))
    }

    /// One message was confirmed; the caller resumes when the last one is.
    func confirm() {
        finish { $0.remaining -= 1 }
    }

    /// One message was refused, or will never be confirmed; the caller learns it at once.
    func fail(_ error: any Error) {
        finish { state in
            state.failure = state.failure ?? error
            state.remaining = 0
        }
    }

    private func finish(_ update: (inout State) -> Void) {
        let resume: (CheckedContinuation<Void, any Error>, (any Error)?)? = state.withLock { state in
            update(&state)
            guard state.remaining <= 0 || state.failure != nil, let continuation = state.continuation else { return nil }
            state.continuation = nil
            return (continuation, state.failure)
        }
        guard let (continuation, failure) = resume else { return }
        if let failure { continuation.resume(throwing: failure) } else { continuation.resume() }
    }
}
