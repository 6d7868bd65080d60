/// Which rows handed over by this process's commits a relay may send without reading its outbox
/// first (docs/events.md, "Publishing").
///
/// Two transactions on one task serialise on its row, so the later one's outbox position is
/// taken after the earlier one committed. A handed-over row is therefore safe to send at once
/// when every position below it has been sent already: no earlier row of its task can still be
/// waiting. When one is missing (a gap) — a row another replica committed, a concurrent
/// transaction of this process not yet committed, a rolled-back one — the relay reads the table
/// instead, which returns every committed row in order, the handed-over ones with them. A gap
/// nothing fills for `gapLimit` is given up on (a rollback never fills its gap); so are the
/// positions below the session's first look, for `gapLimit` after the session begins.
struct RelayWindow {
    let gapLimit: Duration
    /// Every position at or below it was sent, or given up on as a gap. Nil until something is sent.
    private(set) var watermark: Int64?
    /// Positions above the watermark sent this session.
    private var above: Set<Int64> = []
    private var highest: Int64 = 0
    /// Positions above the watermark, below a sent one, not sent: since when each was missing.
    private var gaps: [Int64: ContinuousClock.Instant] = [:]
    /// Until then every hand-off is read: rows below the first one sent may still commit.
    private var holdUntil: ContinuousClock.Instant?
    /// The positions sent lately, at or below the watermark too: a hand-off of a row a read has
    /// already sent is not sent again.
    private var recent: Set<Int64> = []
    private var recentOrder: [Int64] = []
    private var recentStart = 0
    static let recentCapacity = 1 << 16
    /// A jump in positions wider than this is not tracked gap by gap (`setval`, many sequence
    /// values lost in a crash): the window starts over, as a new session.
    static let widestGap: Int64 = 1024

    init(gapLimit: Duration) {
        self.gapLimit = gapLimit
    }

    /// Of the `handed` positions (committed rows), those to send now, in order — or nil when the
    /// outbox must be read first because a position below one of them is missing.
    mutating func admit(_ handed: [Int64], at now: ContinuousClock.Instant) -> [Int64]? {
        expireGaps(at: now)
        guard isSettled(at: now), let mark = watermark else { return nil }
        let fresh = Set(handed.filter { !recent.contains($0) }).sorted()
        let higher = fresh.filter { $0 > mark && !above.contains($0) }
        // Every position from the watermark up to the highest handed over is sent or handed now.
        if let top = higher.last, Int64(higher.count + above.count { $0 < top }) != top - mark { return nil }
        // At or below the watermark and not sent lately: committed after the relay gave up on
        // its gap, or before the session's first look — nothing below it is waiting.
        return fresh
    }

    /// Whether a hand-over can be admitted at all: something was sent this session and its first
    /// hold is over. Before that every hand-over is read, and waiting for a gap would only delay it.
    func isSettled(at now: ContinuousClock.Instant) -> Bool {
        guard let holdUntil, watermark != nil else { return false }
        return now >= holdUntil
    }

    /// Rows were sent (read or handed over).
    mutating func sent(_ positions: [Int64], at now: ContinuousClock.Instant) {
        guard !positions.isEmpty else { return }
        for position in positions where recent.insert(position).inserted { remember(position) }
        if watermark == nil { start(below: positions.min()!, at: now) }
        for position in positions.sorted() where position > watermark! {
            guard above.insert(position).inserted else { continue }
            gaps[position] = nil
            if position > highest {
                if position - max(highest, watermark!) > Self.widestGap {
                    start(below: position, at: now)
                    continue
                }
                for missing in (max(highest, watermark!) + 1)..<position where !above.contains(missing) { gaps[missing] = now }
                highest = position
            }
        }
        advance(at: now)
    }

    private mutating func start(below position: Int64, at now: ContinuousClock.Instant) {
        watermark = position - 1
        above = above.filter { $0 >= position }
        gaps = [:]
        highest = max(position - 1, above.max() ?? 0)
        holdUntil = max(holdUntil ?? now, now + gapLimit)
    }

    private mutating func expireGaps(at now: ContinuousClock.Instant) {
        if gaps.values.contains(where: { now - $0 >= gapLimit }) { advance(at: now) }
    }

    /// Moves the watermark over every position sent or given up on.
    private mutating func advance(at now: ContinuousClock.Instant) {
        guard var mark = watermark else { return }
        while true {
            let next = mark + 1
            if above.remove(next) != nil {
                mark = next
            } else if let since = gaps[next], now - since >= gapLimit {
                gaps[next] = nil
                mark = next
            } else {
                break
            }
        }
        watermark = mark
    }

    private mutating func remember(_ position: Int64) {
        if recentOrder.count < Self.recentCapacity {
            recentOrder.append(position)
        } else {
            recent.remove(recentOrder[recentStart])
            recentOrder[recentStart] = position
            recentStart = (recentStart + 1) % Self.recentCapacity
        }
    }
}
