import Synchronization

/// One assignment round at a time in a process: the assigner's own, or the one a creation
/// arriving alone runs right after the statement that consumes it (`Assigner.created`). Nobody waits at
/// the gate: whoever finds it taken goes another way, and whoever leaves learns whether someone
/// was turned away meanwhile — so the creation's round can wake the assigner it kept out.
final class RoundGate: Sendable {
    private struct State {
        var taken = false
        var turnedAway = false
    }

    private let state = Mutex(State())

    init() {}

    /// Takes the gate when it is free; otherwise notes that someone was turned away.
    func enter() -> Bool {
        state.withLock { state in
            guard !state.taken else {
                state.turnedAway = true
                return false
            }
            state.taken = true
            return true
        }
    }

    /// Frees the gate: whether someone was turned away while it was taken.
    func leave() -> Bool {
        state.withLock { state in
            defer { state = State() }
            return state.turnedAway
        }
    }
}
