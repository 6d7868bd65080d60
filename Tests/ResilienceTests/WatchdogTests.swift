import Resilience
import Synchronization
import Testing

@Suite struct WatchdogTests {
    @Test func aLoopThatStopsBeatingIsGivenUpEvenIfItIgnoresCancellation() async throws {
        let heartbeat = Heartbeat()
        let clock = ContinuousClock()
        let started = clock.now
        await #expect(throws: StalledError.self) {
            try await withWatchdog(heartbeat, limit: .milliseconds(200)) {
                // Three healthy steps, then a call that never returns.
                for _ in 0..<3 {
                    try await Task.sleep(for: .milliseconds(100))
                    heartbeat.beat()
                }
                await DeadlineTests.hang()
            }
        }
        let took = clock.now - started
        #expect(took >= .milliseconds(450) && took < .seconds(3))
    }

    @Test func aLoopThatKeepsBeatingRunsPastTheLimit() async throws {
        let heartbeat = Heartbeat()
        let steps = try await withWatchdog(heartbeat, limit: .milliseconds(150)) {
            var steps = 0
            for _ in 0..<10 {
                try await Task.sleep(for: .milliseconds(50))
                heartbeat.beat()
                steps += 1
            }
            return steps
        }
        #expect(steps == 10)
    }

    @Test func anOperationsErrorComesThrough() async throws {
        struct Broken: Error {}
        await #expect(throws: Broken.self) { try await withWatchdog(Heartbeat(), limit: .seconds(5)) { throw Broken() } }
    }

    @Test func aStaleHeartbeatFromBeforeTheCallDoesNotCount() async throws {
        let heartbeat = Heartbeat()
        try await Task.sleep(for: .milliseconds(200))
        #expect(try await withWatchdog(heartbeat, limit: .milliseconds(150)) { 7 } == 7)
    }
}
