import Testing

@testable import SchedulerService

/// One round at a time in a process, and whoever leaves learns whether someone was turned away.
struct RoundGateTests {
    @Test func whoeverFindsTheGateTakenIsTurnedAwayAndTheOneLeavingIsTold() {
        let gate = RoundGate()
        #expect(gate.enter())
        #expect(!gate.enter())
        #expect(!gate.enter())
        #expect(gate.leave())
        // Free again, and the news was told once.
        #expect(gate.enter())
        #expect(!gate.leave())
        #expect(gate.enter())
        #expect(!gate.leave())
    }
}
