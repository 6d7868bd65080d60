import Foundation
import Resilience
import Synchronization
import Testing

@Suite struct WatchdogTests {
    /// Beats `times` times, 100 ms apart, from a thread of its own, and returns after the last.
    /// Not from the test's task: while the parallel suites keep both of the cooperative pool's
    /// threads busy (as they do for a second or more as the run starts, on two cores), a task's
    /// sleep ends late and its beats with it, and the watchdog rightly sees no progress — the
    /// run the watchdog judges would not be the one the test describes.
    static func beat(_ heartbeat: Heartbeat, times: Int) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread {
                for _ in 0..<times {
                    Thread.sleep(forTimeInterval: 0.1)
                    heartbeat.beat()
                }
                done.resume()
            }.start()
        }
    }

    @Test func aLoopThatStopsBeatingIsGivenUpEvenIfItIgnoresCancellation() async throws {
        let heartbeat = Heartbeat()
        let clock = ContinuousClock()
        let started = clock.now
        await #expect(throws: StalledError.self) {
            try await withWatchdog(heartbeat, limit: .seconds(1)) {
                // Three healthy steps, then a call that never returns.
                await Self.beat(heartbeat, times: 3)
                await DeadlineTests.hang()
            }
        }
        // Given up a second after the last beat at the earliest, and not much later; the upper
        // margin is for a loaded machine, where the watchdog's own timer may start late.
        let took = clock.now - started
        #expect(took >= .milliseconds(1_300) && took < .seconds(10))
    }

    @Test func aLoopThatKeepsBeatingRunsPastTheLimit() async throws {
        let heartbeat = Heartbeat()
        let finished = try await withWatchdog(heartbeat, limit: .seconds(1)) {
            // Twenty beats 100 ms apart: the whole run outlasts the limit twice over.
            await Self.beat(heartbeat, times: 20)
            return true
        }
        #expect(finished)
    }

    @Test func anOperationsErrorComesThrough() async throws {
        struct Broken: Error {}
        await #expect(throws: Broken.self) { try await withWatchdog(Heartbeat(), limit: .seconds(5)) { throw Broken() } }
    }

    @Test func aStaleHeartbeatFromBeforeTheCallDoesNotCount() async throws {
        let heartbeat = Heartbeat()
        try await Task.sleep(for: .milliseconds(1_200))
        #expect(try await withWatchdog(heartbeat, limit: .seconds(1)) { 7 } == 7)
    }
}

extension WatchdogTests {
    /// A caller cancelled before the race begins must not wait: the operation, which would keep
    /// beating for ever, is cancelled too (the backbone tests hung at their end on this).
    @Test func aCallerCancelledBeforeTheStartReturnsAndCancelsTheOperation() async throws {
        final class Flag: Sendable { let raised = Mutex(false) }
        let stopped = Flag()
        let heartbeat = Heartbeat()
        let caller = Task {
            // Let the cancellation land before the watchdog starts.
            while !Task.isCancelled { await Task.yield() }
            return try await withWatchdog(heartbeat, limit: .seconds(1)) {
                while !Task.isCancelled {
                    heartbeat.beat()
                    try? await Task.sleep(for: .milliseconds(10))
                }
                stopped.raised.withLock { $0 = true }
            }
        }
        caller.cancel()
        await #expect(throws: CancellationError.self) { try await caller.value }
        let deadline = ContinuousClock.now + .seconds(5)
        while !stopped.raised.withLock({ $0 }), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(stopped.raised.withLock { $0 })
    }
}
