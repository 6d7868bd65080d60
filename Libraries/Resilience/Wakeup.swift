import Synchronization

/// The one way this codebase waits for "something happened, or the time ran out": a count of
/// signals that tasks wait to see pass the value they last saw.
///
/// Read `count` before looking for work, look, then `wait(beyond:)` that value: a signal sent at
/// any moment after the read — while looking, or before the wait has begun — ends the wait at
/// once, so no wake-up is ever lost between checking and sleeping. Every waiter is woken by a
/// signal; a time limit that fires, or a cancellation that comes, before its wait has begun
/// still ends it.
public final class Wakeup: Sendable {
    private struct State {
        var count = 0
        var nextWait = 0
        /// Waits that have begun (been numbered) and not returned.
        var active: Set<Int> = []
        var waiters: [Int: CheckedContinuation<Bool, Never>] = [:]
        /// Active waits whose time ran out, or that were cancelled, before they parked.
        var ended: Set<Int> = []
    }

    private let state = Mutex(State())

    public init() {}

    /// How many signals there have been.
    public var count: Int { state.withLock { $0.count } }

    /// Counts one signal and wakes every waiter.
    public func signal() {
        let waiters = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            state.count += 1
            guard !state.waiters.isEmpty else { return [] }
            defer { state.waiters.removeAll(keepingCapacity: true) }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    /// Returns true once there have been more signals than `seen`, false when `timeout` (if any)
    /// runs out or the task is cancelled first.
    @discardableResult
    public func wait(beyond seen: Int, timeout: Duration? = nil) async -> Bool {
        let id = state.withLock { state in
            state.nextWait += 1
            state.active.insert(state.nextWait)
            return state.nextWait
        }
        // The time limit is an alarm on the event loop, not a sleeping child task: these waits
        // run around every relay batch, assignment round and feed message.
        let alarm = timeout.map { limit in Alarm(after: limit) { self.end(id) } }
        defer {
            alarm?.cancel()
            state.withLock { state in
                state.active.remove(id)
                state.ended.remove(id)
            }
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let ready = state.withLock { state -> Bool? in
                    if state.count != seen { return true }
                    if state.ended.contains(id) { return false }
                    state.waiters[id] = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            self.end(id)
        }
    }

    /// Ends wait `id`: resumes it if it is parked, remembers it if it has begun but not parked
    /// yet, and forgets it if it has already returned.
    private func end(_ id: Int) {
        state.withLock { state -> CheckedContinuation<Bool, Never>? in
            if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
            if state.active.contains(id) { state.ended.insert(id) }
            return nil
        }?.resume(returning: false)
    }
}

/// One task's wake-ups: a ``Wakeup`` with a single waiter that remembers what it last saw, so a
/// signal sent while it was busy is kept for its next wait (the relay's and the assigner's loops).
public final class WakeSignal: Sendable {
    private let wakeup = Wakeup()
    private let seen = Atomic<Int>(0)

    public init() {}

    public func signal() { wakeup.signal() }

    /// Returns when signalled (or signalled since the last wait returned true) or after
    /// `timeout`, whichever comes first: true when signalled.
    @discardableResult
    public func wait(timeout: Duration) async -> Bool {
        let woken = await wakeup.wait(beyond: seen.load(ordering: .relaxed), timeout: timeout)
        // Every signal counted so far is answered by this wake-up: the caller looks for work next.
        if woken { seen.store(wakeup.count, ordering: .relaxed) }
        return woken
    }
}
