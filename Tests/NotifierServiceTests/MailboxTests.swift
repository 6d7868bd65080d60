import Testing

@testable import NotifierService

@Suite struct MailboxTests {
    @Test func deliversWhatWasPostedInOrder() async {
        let mailbox = Mailbox<Int>(capacity: 10)
        mailbox.post(1)
        mailbox.post(2)
        guard case .items(let items) = await mailbox.next(timeout: .seconds(1)) else {
            Issue.record("expected the posted items")
            return
        }
        #expect(items == [1, 2])
    }

    @Test func aWaitingSessionWakesWhenSomethingIsPosted() async {
        let mailbox = Mailbox<Int>(capacity: 10)
        async let delivery = mailbox.next(timeout: .seconds(30))
        try? await Task.sleep(for: .milliseconds(50))
        mailbox.post(7)
        guard case .items(let items) = await delivery else {
            Issue.record("expected the posted item")
            return
        }
        #expect(items == [7])
    }

    @Test func waitingEndsAfterTheTimeoutWithNothing() async {
        let mailbox = Mailbox<Int>(capacity: 10)
        let start = ContinuousClock.now
        guard case .none = await mailbox.next(timeout: .milliseconds(100)) else {
            Issue.record("expected nothing")
            return
        }
        #expect(ContinuousClock.now - start >= .milliseconds(100))
    }

    @Test func cancellingTheSessionEndsItsWait() async {
        let mailbox = Mailbox<Int>(capacity: 10)
        let waiting = Task { await mailbox.next(timeout: .seconds(30)) }
        try? await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        guard case .none = await waiting.value else {
            Issue.record("expected nothing")
            return
        }
    }

    @Test func aClientAWholeMailboxBehindIsOverflowedAndStaysSo() async {
        let mailbox = Mailbox<Int>(capacity: 3)
        async let overflowed: Void = mailbox.overflow()
        for item in 1...4 { mailbox.post(item) }
        await overflowed
        #expect(mailbox.isOverflowed)
        mailbox.post(5)
        guard case .overflowed = await mailbox.next(timeout: .seconds(1)) else {
            Issue.record("an overflowed mailbox delivers nothing more")
            return
        }
    }

    @Test func takingMessagesInTimeNeverOverflows() async {
        let mailbox = Mailbox<Int>(capacity: 3)
        var received: [Int] = []
        for item in 1...30 {
            mailbox.post(item)
            if item % 3 == 0, case .items(let items) = await mailbox.next(timeout: .seconds(1)) { received += items }
        }
        #expect(received == Array(1...30))
        #expect(!mailbox.isOverflowed)
    }
}
