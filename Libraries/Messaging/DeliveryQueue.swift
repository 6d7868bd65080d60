import Synchronization

/// The deliveries of one consumer, waiting to be handled. A consumer takes them in batches:
/// whatever has arrived, up to a limit, so a busy queue is handled many at a time and a quiet one
/// without waiting.
public final class DeliveryQueue: Sendable {
    private struct State {
        var buffer: [Delivery] = []
        var waiter: (limit: Int, continuation: CheckedContinuation<[Delivery]?, Never>)?
        var finished = false

        mutating func take(_ limit: Int) -> [Delivery] {
            let taken = Array(buffer.prefix(limit))
            buffer.removeFirst(taken.count)
            return taken
        }
    }

    private let state = Mutex(State())

    init() {}

    /// The next deliveries in arrival order, at most `limit`; waits for at least one.
    /// Nil once the connection has stopped for good or the waiting task is cancelled.
    public func next(upTo limit: Int) async -> [Delivery]? {
        precondition(limit > 0)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[Delivery]?, Never>) in
                let ready: [Delivery]?? = state.withLock { state in
                    if !state.buffer.isEmpty { return .some(state.take(limit)) }
                    if state.finished || Task.isCancelled { return .some(nil) }
                    state.waiter = (limit, continuation)
                    return .none
                }
                if case .some(let deliveries) = ready { continuation.resume(returning: deliveries) }
            }
        } onCancel: {
            state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter?.continuation
            }?.resume(returning: nil)
        }
    }

    /// How many deliveries have arrived and wait to be taken.
    public var backlog: Int { state.withLock { $0.buffer.count } }

    func push(_ delivery: Delivery) {
        let resume = state.withLock { state -> (CheckedContinuation<[Delivery]?, Never>, [Delivery])? in
            state.buffer.append(delivery)
            guard let waiter = state.waiter else { return nil }
            state.waiter = nil
            return (waiter.continuation, state.take(waiter.limit))
        }
        if let (continuation, deliveries) = resume { continuation.resume(returning: deliveries) }
    }

    func finish() {
        let waiter = state.withLock { state in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter?.continuation
        }
        waiter?.resume(returning: nil)
    }
}
