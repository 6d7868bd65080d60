import Resilience
import Synchronization

/// What this process's commits have handed one relay and it has not taken yet, and whether it
/// must read its table (a standby's NOTIFY, or more handed over than it keeps). Posting wakes it.
final class RelayMailbox: Sendable {
    private struct State {
        var rows: [HandedRow] = []
        var readAsked = false
        /// The earliest commit among the rows not taken (`HopLatency.now()`).
        var firstCommit: Int64?
    }

    /// Rows beyond this are not kept (the broker is away, say): the relay reads them instead.
    static let capacity = 10_000

    private let state = Mutex(State())
    let wake = WakeSignal()

    func post(_ rows: [HandedRow], committedAt: Int64) {
        state.withLock { state in
            if state.rows.count + rows.count > Self.capacity {
                state.rows = []
                state.readAsked = true
            } else {
                state.rows += rows
            }
            if state.firstCommit == nil { state.firstCommit = committedAt }
        }
        wake.signal()
    }

    /// Asks for a read of the table: rows were committed that nobody handed over.
    func askToRead() {
        state.withLock { $0.readAsked = true }
        wake.signal()
    }

    /// Takes up to `limit` rows, whether a read was asked for, and the earliest commit among what
    /// was handed over since the last take.
    func take(upTo limit: Int) -> (rows: [HandedRow], read: Bool, firstCommit: Int64?) {
        state.withLock { state in
            let rows = Array(state.rows.prefix(limit))
            state.rows.removeFirst(rows.count)
            defer { (state.readAsked, state.firstCommit) = (false, nil) }
            return (rows, state.readAsked, state.firstCommit)
        }
    }

    var isEmpty: Bool { state.withLock { $0.rows.isEmpty && !$0.readAsked } }

    /// Forgets everything handed over: a new session reads the table first.
    func clear() {
        state.withLock { $0 = State() }
    }
}
