import Synchronization

/// This process's outbox relays, by schema, so a commit that wrote an outbox can wake its relay
/// directly — no NOTIFY on the commit path (a transaction that NOTIFYs takes a database-wide lock
/// at commit, which serialised every outbox commit with every other).
///
/// The active relay reads at once; a standby relay (another replica leads) passes the wake on
/// with a NOTIFY of its own, sent outside any data transaction. A commit in a process with no
/// relay of that schema wakes nobody: the active relay's poll finds the rows.
enum RelayWakes {
    private static let relays = Mutex<[String: [ObjectIdentifier: WakeSignal]]>([:])

    static func register(_ signal: WakeSignal, schema: String) {
        relays.withLock { $0[schema, default: [:]][ObjectIdentifier(signal)] = signal }
    }

    static func unregister(_ signal: WakeSignal, schema: String) {
        relays.withLock { $0[schema]?[ObjectIdentifier(signal)] = nil }
    }

    /// The earliest commit whose wake no batch has answered yet (`HopLatency.now()`), by
    /// schema: the relay reads it as it sends (`HopLatency.outboxSend`).
    private static let unanswered = Mutex<[String: Int64]>([:])

    static func wake(_ schema: String) {
        let signals = relays.withLock { relays -> [WakeSignal] in
            guard let signals = relays[schema], !signals.isEmpty else { return [] }
            return Array(signals.values)
        }
        guard !signals.isEmpty else { return }
        let now = HopLatency.now()
        unanswered.withLock { if $0[schema] == nil { $0[schema] = now } }
        for signal in signals { signal.signal() }
    }

    static func takeCommitTime(_ schema: String) -> Int64? {
        unanswered.withLock { $0.removeValue(forKey: schema) }
    }
}
