import Resilience
import Synchronization

/// What a relay has sent: batches the broker has not confirmed yet, positions confirmed but not
/// yet deleted (they are deleted in bulk), and the first failure.
final class InFlightBatches: Sendable {
    private struct State {
        var unconfirmed: [[Int64]] = []
        var unmarked: [Int64] = []
        var failure: (any Error)?
    }

    private let state = Mutex(State())
    /// Rung by every confirm, so the deleting of confirmed rows sleeps while nothing is sent.
    let confirmations = WakeSignal()

    /// Batches awaiting their confirms.
    var count: Int { state.withLock { $0.unconfirmed.count } }
    /// Every position sent and not yet marked: the relay must not send these again.
    var positions: [Int64] { state.withLock { $0.unconfirmed.flatMap { $0 } + $0.unmarked } }
    var failure: (any Error)? { state.withLock { $0.failure } }

    func add(_ positions: [Int64]) {
        state.withLock { $0.unconfirmed.append(positions) }
    }

    /// Returns how many batches still await their confirms.
    @discardableResult
    func confirm(_ positions: [Int64]) -> Int {
        let left = state.withLock { state in
            if let index = state.unconfirmed.firstIndex(of: positions) { state.unconfirmed.remove(at: index) }
            state.unmarked += positions
            return state.unconfirmed.count
        }
        confirmations.signal()
        return left
    }

    /// The confirmed positions to mark now; they stay excluded until ``marked(_:)``.
    var toMark: [Int64] { state.withLock { $0.unmarked } }

    func marked(_ positions: [Int64]) {
        let done = Set(positions)
        state.withLock { $0.unmarked.removeAll { done.contains($0) } }
    }

    func fail(_ error: any Error) {
        state.withLock { $0.failure = $0.failure ?? error }
    }
}
