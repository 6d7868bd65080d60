import Testing

@testable import EventBackbone

/// The relay sends a handed-over row without reading its table only when no position below it is
/// missing — the rule that keeps a task's events in order (docs/events.md, "Publishing").
@Suite struct RelayWindowTests {
    let t0 = ContinuousClock.now
    let limit = Duration.seconds(5)

    /// A window that has sent `positions` and is past its hold.
    func window(sent positions: [Int64]) -> (RelayWindow, ContinuousClock.Instant) {
        var window = RelayWindow(gapLimit: limit)
        window.sent(positions, at: t0)
        return (window, t0 + limit)
    }

    @Test func nothingIsSentUnreadBeforeTheFirstSend() {
        var window = RelayWindow(gapLimit: limit)
        #expect(window.admit([1], at: t0 + .seconds(60)) == nil)
    }

    @Test func aRunThatContinuesWhatWasSentGoesOutUnread() {
        var (window, now) = window(sent: [1, 2, 3])
        #expect(window.admit([4], at: now) == [4])
        window.sent([4], at: now)
        #expect(window.admit([6, 5], at: now) == [5, 6])
        window.sent([5, 6], at: now)
        #expect(window.watermark == 6)
    }

    @Test func aMissingPositionBelowMeansARead() {
        var (window, now) = window(sent: [1, 2, 3])
        // 4 is another replica's row, or a transaction of this process not committed yet.
        #expect(window.admit([5], at: now) == nil)
        window.sent([5], at: now)  // the read found 5 only
        #expect(window.admit([6], at: now) == nil)  // 4 still missing: it may be 6's task's
        // 4's own hand-over fills the gap: it goes, and what follows flows again.
        #expect(window.admit([4], at: now) == [4])
        window.sent([4], at: now)
        #expect(window.watermark == 5)
        #expect(window.admit([6], at: now) == [6])
    }

    @Test func aRowAReadSentIsNotSentAgainWhenHandedOver() {
        var (window, now) = window(sent: [1, 2, 3])
        #expect(window.admit([3, 2], at: now) == [])
        #expect(window.admit([3, 4], at: now) == [4])
    }

    @Test func aGapIsGivenUpOnAfterTheLimitAndItsLateRowStillGoes() {
        var (window, now) = window(sent: [1, 2])
        window.sent([4], at: now)  // 3 missing from now on: a rollback, say
        #expect(window.admit([5], at: now + .seconds(1)) == nil)
        #expect(window.admit([5], at: now + limit) == [5])
        window.sent([5], at: now + limit)
        #expect(window.watermark == 5)
        // Committed after all: below the watermark and never sent, so it goes.
        #expect(window.admit([3], at: now + limit) == [3])
    }

    @Test func rowsBelowTheFirstSendHoldHandOversBackForTheLimit() {
        var window = RelayWindow(gapLimit: limit)
        window.sent([10], at: t0)  // the first read: 9 may be a transaction still open
        #expect(window.admit([11], at: t0 + .seconds(1)) == nil)
        #expect(window.admit([11], at: t0 + limit) == [11])
        #expect(window.admit([9], at: t0 + limit) == [9])
    }

    @Test func aWideJumpStartsTheWindowOver() {
        var (window, now) = window(sent: [1, 2])
        window.sent([2 + RelayWindow.widestGap + 10], at: now)
        #expect(window.watermark == 2 + RelayWindow.widestGap + 10)
        #expect(window.admit([2 + RelayWindow.widestGap + 11], at: now) == nil)
        #expect(window.admit([2 + RelayWindow.widestGap + 11], at: now + limit) == [2 + RelayWindow.widestGap + 11])
    }
}
