import Resilience
import Synchronization

/// What one connected client has not been sent yet: a bounded queue filled by the feed hub and
/// drained by the client's session. A client that falls more than `capacity` messages behind
/// is marked overflowed — it must be cut off and resume by cursor — rather than buffered
/// without bound.
final class Mailbox<Item: Sendable>: Sendable {
    /// What a session gets back when it asks for more.
    enum Delivery {
        case items([Item])
        /// The client fell too far behind; its session ends and it resumes by cursor.
        case overflowed
        /// No item arrived in time, or the waiting task was cancelled.
        case none
    }

    private struct State {
        var items: [Item] = []
        var overflowed = false
    }

    let capacity: Int
    private let state = Mutex(State())
    /// Rung by every post, and by the overflow.
    private let arrived = Wakeup()
    /// Rung by the overflow.
    private let overflowing = Wakeup()

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Queues `item` for the session; on overflow drops it and marks the mailbox.
    func post(_ item: Item) {
        let overflowedNow = state.withLock { state -> Bool? in
            guard !state.overflowed else { return nil }
            guard state.items.count < capacity else {
                state.overflowed = true
                state.items.removeAll()
                return true
            }
            state.items.append(item)
            return false
        }
        guard let overflowedNow else { return }
        arrived.signal()
        if overflowedNow { overflowing.signal() }
    }

    /// Everything queued, waiting (until `timeout` or cancellation) when there is nothing.
    func next(timeout: Duration) async -> Delivery {
        let seen = arrived.count
        if let ready = take() { return ready }
        await arrived.wait(beyond: seen, timeout: timeout)
        return take() ?? .none
    }

    /// Returns once the mailbox overflows (or the waiting task is cancelled).
    func overflow() async {
        while true {
            let seen = overflowing.count
            guard !isOverflowed, !Task.isCancelled else { return }
            await overflowing.wait(beyond: seen)
        }
    }

    var isOverflowed: Bool { state.withLock { $0.overflowed } }

    /// Items waiting to be taken (0 once overflowed).
    var backlog: Int { state.withLock { $0.items.count } }

    private func take() -> Delivery? {
        state.withLock { state in
            if state.overflowed { return .overflowed }
            guard !state.items.isEmpty else { return nil }
            defer { state.items.removeAll(keepingCapacity: true) }
            return .items(state.items)
        }
    }
}
