import Resilience
import Synchronization
import Testing

@Suite struct WatchdogTests {
    @Test func aLoopThatStopsBeatingIsGivenUpEvenIfItIgnoresCancellation() async throws {
        let heartbeat = Heartbeat()
        let clock = ContinuousClock()
        let started = clock.now
        await #expect(throws: StalledError.self) {
            // Margins wide enough for a loaded machine (parallel suites): a 100 ms sleep that
            // overruns by a second is what the limit would have to miss.
            try await withWatchdog(heartbeat, limit: .seconds(1)) {
                // Three healthy steps, then a call that never returns.
                for _ in 0..<3 {
                    try await Task.sleep(for: .milliseconds(100))
                    heartbeat.beat()
                }
                await DeadlineTests.hang()
            }
        }
        let took = clock.now - started
        #expect(took >= .milliseconds(1_300) && took < .seconds(10))
    }

    @Test func aLoopThatKeepsBeatingRunsPastTheLimit() async throws {
        let heartbeat = Heartbeat()
        let steps = try await withWatchdog(heartbeat, limit: .seconds(1)) {
            var steps = 0
            // Twenty beats 100 ms apart: the whole run outlasts the limit twice over.
            for _ in 0..<20 {
                try await Task.sleep(for: .milliseconds(100))
                heartbeat.beat()
                steps += 1
            }
            return steps
        }
        #expect(steps == 20)
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
