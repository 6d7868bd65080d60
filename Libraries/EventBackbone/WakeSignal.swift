import Resilience
import Synchronization

/// Wakes one waiting task. A signal that arrives while nobody waits is kept for the next wait,
/// so none is lost between checking for work and going to sleep.
public final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var nextWaiter = 0
        var waiter: (id: Int, continuation: CheckedContinuation<Bool, Never>)?
        /// The last wait whose time ran out, so a timeout that fires before its wait began counts.
        var expired = 0
    }

    public init() {}

    private let state = Mutex(State())

    public func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume(returning: true)
    }

    /// Returns when signalled (or already signalled) or after `timeout`, whichever comes first:
    /// true when signalled.
    @discardableResult
    public func wait(timeout: Duration) async -> Bool {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        // The time limit is an alarm on the event loop, not a sleeping child task: this wait
        // runs around every batch of a relay and every round of the assigner. Cancellation ends
        // the wait at once, as the time limit would.
        let alarm = Alarm(after: timeout) { self.expire(id) }
        defer { alarm.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let ready = state.withLock { state -> Bool? in
                    if state.pending {
                        state.pending = false
                        return true
                    }
                    if state.expired == id { return false }
                    state.waiter = (id, continuation)
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            self.expire(id)
        }
    }

    private func expire(_ id: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard let waiter = state.waiter, waiter.id == id else {
                state.expired = id
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume(returning: false)
    }
}
