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

    static func wake(_ schema: String) {
        for signal in relays.withLock({ $0[schema].map { Array($0.values) } ?? [] }) { signal.signal() }
    }
}
