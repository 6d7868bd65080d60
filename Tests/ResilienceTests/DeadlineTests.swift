import Resilience
import Synchronization
import Testing

@Suite struct DeadlineTests {
    /// Never returns, and ignores cancellation: what a hung client call looks like.
    static func hang() async {
        await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
    }

    @Test func anOperationThatIgnoresCancellationStillTimesOut() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        await #expect(throws: TimeoutError.self) {
            try await withDeadline(.milliseconds(100)) { await Self.hang() }
        }
        #expect(clock.now - started < .seconds(2))
    }

    @Test func aQuickOperationReturnsItsValue() async throws {
        #expect(try await withDeadline(.seconds(5)) { 42 } == 42)
    }

    @Test func anOperationsErrorComesThrough() async throws {
        struct Broken: Error {}
        await #expect(throws: Broken.self) { try await withDeadline(.seconds(5)) { throw Broken() } }
    }

    @Test func theOperationIsCancelledAtTheDeadline() async throws {
        final class Flag: Sendable { let raised = Mutex(false) }
        let cancelled = Flag()
        await #expect(throws: TimeoutError.self) {
            try await withDeadline(.milliseconds(50)) {
                do { try await Task.sleep(for: .seconds(10)) } catch { cancelled.raised.withLock { $0 = true } }
            }
        }
        // Polled, not slept on: how soon the cancellation lands depends on how busy the machine is.
        let deadline = ContinuousClock.now + .seconds(10)
        while !cancelled.raised.withLock({ $0 }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(cancelled.raised.withLock { $0 })
    }

    @Test func cancellingTheCallerEndsTheWait() async throws {
        let waiting = Task { try await withDeadline(.seconds(30)) { await Self.hang() } }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
    }
}
