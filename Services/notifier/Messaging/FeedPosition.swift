/// Where this replica's hub stands in the notification log, and which rows it posts — the rules
/// alone, tested without a database (`FeedHub` applies them under its lock).
///
/// Rows reach the hub two ways: read from the log after `highWater` (on a wake-up), and handed
/// over by this replica's own writer the moment the statement that inserted them committed.
/// Either way a row is posted once, in cursor order, and never past a row not yet posted.
struct FeedPosition: Sendable, Equatable {
    /// The last cursor posted.
    private(set) var highWater: Int64
    /// How many wake-ups without a cursor (a reconnected LISTEN session, an older trigger) the
    /// last read covered.
    private(set) var blindWakesRead = 0

    init(highWater: Int64) {
        self.highWater = highWater
    }

    /// Rows read from the log after `highWater` (in cursor order): those not posted meanwhile,
    /// to post now.
    mutating func read(_ rows: [FeedHub.Entry], blindWakes: Int) -> [FeedHub.Entry] {
        blindWakesRead = blindWakes
        let fresh = rows.filter { $0.notification.cursor > highWater }
        if let last = fresh.last { highWater = last.notification.cursor }
        return fresh
    }

    /// Rows this replica's writer committed in one statement (in cursor order): posted at once
    /// when they continue the log right after `highWater`; nil when something may lie between —
    /// another replica's rows, or cursors a failed statement used — and the log must be read.
    mutating func handed(_ rows: [FeedHub.Entry]) -> [FeedHub.Entry]? {
        let fresh = rows.filter { $0.notification.cursor > highWater }
        guard let first = fresh.first, let last = fresh.last else { return [] }
        guard first.notification.cursor == highWater + 1 else { return nil }
        // One statement's cursors are consecutive: it inserts alone, under the writers' lock.
        highWater = last.notification.cursor
        return fresh
    }

    /// Whether a wake-up needs a read: a row was notified beyond what was posted, or a wake-up
    /// came that did not say how far the log goes.
    func needsRead(newestNotified: Int64, blindWakes: Int) -> Bool {
        newestNotified > highWater || blindWakes != blindWakesRead
    }
}
