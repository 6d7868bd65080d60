import Synchronization

/// Wakes one waiting task. A signal that arrives while nobody waits is kept for the next wait,
/// so none is lost between checking for work and going to sleep.
public final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var nextWaiter = 0
        var waiter: (id: Int, continuation: CheckedContinuation<Void, Never>)?
        /// The last wait whose time ran out, so a timeout that fires before its wait began counts.
        var expired = 0
    }

    public init() {}

    private let state = Mutex(State())

    public func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }

    /// Returns when signalled (or already signalled) or after `timeout`, whichever comes first.
    public func wait(timeout: Duration) async {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.expire(id)
            }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    if state.pending {
                        state.pending = false
                        return true
                    }
                    if state.expired == id { return true }
                    state.waiter = (id, continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
            group.cancelAll()
        }
    }

    private func expire(_ id: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter, waiter.id == id else {
                state.expired = id
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }
}
