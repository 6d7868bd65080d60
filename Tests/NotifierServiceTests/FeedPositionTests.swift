import Foundation
import Testing

@testable import NotifierService

@Suite struct FeedPositionTests {
    func entries(_ cursors: ClosedRange<Int64>, audience: String = "admins") -> [FeedHub.Entry] {
        cursors.map {
            FeedHub.Entry(audience: audience, notification: .init(cursor: $0, type: "task.created", occurredAt: Date(), data: "{}"))
        }
    }

    func cursors(_ entries: [FeedHub.Entry]?) -> [Int64]? { entries?.map(\.notification.cursor) }

    @Test func rowsHandedRightAfterWhatWasPostedArePostedAtOnce() {
        var position = FeedPosition(highWater: 10)
        #expect(cursors(position.handed(entries(11...13))) == [11, 12, 13])
        #expect(position.highWater == 13)
        #expect(cursors(position.handed(entries(14...14))) == [14])
    }

    @Test func aGapBeforeHandedRowsLeavesThemToTheRead() {
        // Another replica's rows, or cursors a failed statement used, may lie in between.
        var position = FeedPosition(highWater: 10)
        #expect(position.handed(entries(12...13)) == nil)
        #expect(position.highWater == 10)
        #expect(cursors(position.read(entries(11...13), blindWakes: 0)) == [11, 12, 13])
        #expect(position.highWater == 13)
    }

    @Test func aRowIsPostedOnceWhicheverWayReachesTheHubFirst() {
        var handedFirst = FeedPosition(highWater: 0)
        #expect(cursors(handedFirst.handed(entries(1...3))) == [1, 2, 3])
        #expect(cursors(handedFirst.read(entries(1...5), blindWakes: 0)) == [4, 5])

        var readFirst = FeedPosition(highWater: 0)
        #expect(cursors(readFirst.read(entries(1...2), blindWakes: 0)) == [1, 2])
        #expect(cursors(readFirst.handed(entries(1...3))) == [3])
        #expect(cursors(readFirst.handed(entries(1...3))) == [])
        #expect(readFirst.highWater == 3)
    }

    @Test func aReadThatFindsNothingNewPostsNothing() {
        var position = FeedPosition(highWater: 7)
        #expect(cursors(position.read([], blindWakes: 0)) == [])
        #expect(cursors(position.read(entries(5...7), blindWakes: 0)) == [])
        #expect(position.highWater == 7)
    }

    @Test func aWakeUpNeedsAReadOnlyForRowsNotPostedOrWhenItDoesNotSay() {
        var position = FeedPosition(highWater: 0)
        _ = position.handed(entries(1...4))
        #expect(!position.needsRead(newestNotified: 4, blindWakes: 0))  // its own rows, handed over
        #expect(position.needsRead(newestNotified: 5, blindWakes: 0))  // another writer's
        #expect(position.needsRead(newestNotified: 4, blindWakes: 1))  // a wake-up that did not say
        _ = position.read(entries(5...5), blindWakes: 1)
        #expect(!position.needsRead(newestNotified: 5, blindWakes: 1))
    }
}
