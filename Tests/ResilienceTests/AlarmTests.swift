import Resilience
import Synchronization
import Testing

/// An alarm fires once after its delay, unless cancelled first.
@Suite struct AlarmTests {
    final class Count: Sendable {
        let value = Mutex(0)
        func add() { value.withLock { $0 += 1 } }
        var current: Int { value.withLock { $0 } }
    }

    @Test func firesOnceAfterItsDelay() async throws {
        let count = Count()
        let start = ContinuousClock.now
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            _ = Alarm(after: .milliseconds(50)) {
                count.add()
                continuation.resume()
            }
        }
        #expect(ContinuousClock.now - start >= .milliseconds(50))
        try await Task.sleep(for: .milliseconds(100))
        #expect(count.current == 1)
    }

    @Test func aCancelledAlarmNeverFires() async throws {
        let count = Count()
        let alarm = Alarm(after: .milliseconds(50)) { count.add() }
        alarm.cancel()
        try await Task.sleep(for: .milliseconds(200))
        #expect(count.current == 0)
    }

    @Test func aZeroOrHugeDelayIsTaken() async throws {
        let count = Count()
        let now = Alarm(after: .zero) { count.add() }
        let never = Alarm(after: .seconds(Int64.max)) { count.add() }
        let deadline = ContinuousClock.now + .seconds(10)
        while count.current == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(count.current == 1)
        now.cancel()
        never.cancel()
    }
}
