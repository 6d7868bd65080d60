import Testing

@testable import Messaging

@Suite struct AckLedgerTests {
    func ledger(delivered tags: ClosedRange<UInt64>) -> AckLedger {
        var ledger = AckLedger()
        for tag in tags { ledger.delivered(tag) }
        return ledger
    }

    func sent(_ acks: [(tag: UInt64, multiple: Bool)]) -> [String] {
        acks.map { "\($0.tag)\($0.multiple ? "+" : "")" }
    }

    @Test func aBatchAtTheFrontGoesAsOneMultipleAck() {
        var ledger = ledger(delivered: 1...5)
        #expect(sent(ledger.acks(for: [3, 1, 2])) == ["3+"])
        #expect(ledger.unsettledCount == 2)
        #expect(sent(ledger.acks(for: [4, 5])) == ["5+"])
        #expect(ledger.unsettledCount == 0)
    }

    @Test func acksBehindAnUnsettledDeliveryGoOneByOne() {
        var ledger = ledger(delivered: 1...6)
        #expect(sent(ledger.acks(for: [2, 3, 5])) == ["2", "3", "5"])
        // Once the gap closes the run passes over what was acked alone; nothing is acked twice.
        #expect(sent(ledger.acks(for: [1])) == ["1+"])
        #expect(sent(ledger.acks(for: [4])) == ["4+"])
        #expect(ledger.unsettledCount == 1)
        #expect(sent(ledger.acks(for: [6])) == ["6+"])
    }

    @Test func aRejectedDeliveryIsPassedOverNotAcked() {
        var ledger = ledger(delivered: 1...4)
        ledger.rejected(2)
        #expect(sent(ledger.acks(for: [1, 3])) == ["3+"])
        ledger.rejected(4)
        #expect(ledger.unsettledCount == 0)
        #expect(sent(ledger.acks(for: [])) == [])
    }

    @Test func aTagSettledOrNeverDeliveredGetsNoSecondAck() {
        var ledger = ledger(delivered: 1...3)
        #expect(sent(ledger.acks(for: [1])) == ["1+"])
        #expect(sent(ledger.acks(for: [1, 9])) == [])
        #expect(sent(ledger.acks(for: [3])) == ["3"])
        #expect(sent(ledger.acks(for: [3])) == [])
        #expect(sent(ledger.acks(for: [2])) == ["2+"])
        #expect(ledger.unsettledCount == 0)
    }

    @Test func aLongRunStaysSmall() {
        var ledger = AckLedger()
        for tag in UInt64(1)...10_000 {
            ledger.delivered(tag)
            #expect(sent(ledger.acks(for: [tag])) == ["\(tag)+"])
        }
        #expect(ledger.unsettledCount == 0)
    }
}
