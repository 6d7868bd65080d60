import Synchronization

/// The outbox positions a relay has sent and not yet marked published, and the first failure
/// among them.
final class InFlightBatches: Sendable {
    private struct State {
        var batches: [[Int64]] = []
        var failure: (any Error)?
    }

    private let state = Mutex(State())

    var count: Int { state.withLock { $0.batches.count } }
    var positions: [Int64] { state.withLock { $0.batches.flatMap { $0 } } }
    var failure: (any Error)? { state.withLock { $0.failure } }

    func add(_ positions: [Int64]) {
        state.withLock { $0.batches.append(positions) }
    }

    func remove(_ positions: [Int64]) {
        state.withLock { state in
            if let index = state.batches.firstIndex(of: positions) { state.batches.remove(at: index) }
        }
    }

    func fail(_ error: any Error) {
        state.withLock { $0.failure = $0.failure ?? error }
    }
}
