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
        var waiter: CheckedContinuation<Void, Never>?
        /// Numbers each wait, so a timeout that fires before its wait began is not lost.
        var waits = 0
        var wokenWait = 0
        var overflowWatcher: CheckedContinuation<Void, Never>?
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Queues `item` for the session; on overflow drops it and marks the mailbox.
    func post(_ item: Item) {
        let (waiter, watcher) = state.withLock { state -> (CheckedContinuation<Void, Never>?, CheckedContinuation<Void, Never>?) in
            guard !state.overflowed else { return (nil, nil) }
            if state.items.count >= capacity {
                state.overflowed = true
                state.items.removeAll()
                defer { state.waiter = nil; state.overflowWatcher = nil }
                return (state.waiter, state.overflowWatcher)
            }
            state.items.append(item)
            defer { state.waiter = nil }
            return (state.waiter, nil)
        }
        waiter?.resume()
        watcher?.resume()
    }

    /// Everything queued, waiting (until `timeout` or cancellation) when there is nothing.
    func next(timeout: Duration) async -> Delivery {
        if let ready = take() { return ready }
        let wait = state.withLock { state in
            state.waits += 1
            return state.waits
        }
        let alarm = Alarm(after: timeout) { self.wake(wait) }
        defer { alarm.cancel() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    guard state.items.isEmpty, !state.overflowed, state.wokenWait != wait else { return true }
                    state.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            self.wake(wait)
        }
        return take() ?? .none
    }

    /// Returns once the mailbox overflows (or the waiting task is cancelled).
    func overflow() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    guard !state.overflowed, !Task.isCancelled else { return true }
                    state.overflowWatcher = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            state.withLock { state in
                defer { state.overflowWatcher = nil }
                return state.overflowWatcher
            }?.resume()
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

    private func wake(_ wait: Int) {
        state.withLock { state in
            state.wokenWait = wait
            defer { state.waiter = nil }
            return state.waiter
        }?.resume()
    }
}
