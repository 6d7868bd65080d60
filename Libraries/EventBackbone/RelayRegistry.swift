import Synchronization

/// This process's outbox relays, by schema, so a commit that wrote an outbox hands its rows to
/// its relay directly — no NOTIFY on the commit path (a transaction that NOTIFYs takes a
/// database-wide lock at commit, which serialised every outbox commit with every other), and no
/// read of what was just written.
///
/// The active relay sends the rows at once when nothing below them is missing (`RelayWindow`),
/// and reads the table otherwise; a standby relay (another replica leads) passes the wake on with
/// a NOTIFY of its own, sent outside any data transaction. A commit in a process with no relay of
/// that schema hands nothing: the active relay's poll finds the rows.
enum RelayRegistry {
    private static let relays = Mutex<[String: [ObjectIdentifier: RelayMailbox]]>([:])

    static func register(_ mailbox: RelayMailbox, schema: String) {
        relays.withLock { $0[schema, default: [:]][ObjectIdentifier(mailbox)] = mailbox }
    }

    static func unregister(_ mailbox: RelayMailbox, schema: String) {
        relays.withLock { $0[schema]?[ObjectIdentifier(mailbox)] = nil }
    }

    /// Rows of `schema`'s outbox that have just committed.
    static func handOver(_ rows: [HandedRow], schema: String) {
        let mailboxes = relays.withLock { relays in relays[schema].map { Array($0.values) } ?? [] }
        guard !mailboxes.isEmpty, !rows.isEmpty else { return }
        let now = HopLatency.now()
        for mailbox in mailboxes { mailbox.post(rows, committedAt: now) }
    }
}

/// A committed outbox row, as the commit that wrote it hands it over.
struct HandedRow: Sendable {
    let position: Int64
    let event: EncodedEvent
}
