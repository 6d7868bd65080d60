import EventBackbone
import Testing

@Suite struct WakingTypesTests {
    @Test func everyBatchWakesUnlessTheTypesAreNarrowed() {
        var handlers = EventHandlers()
        #expect(handlers.wakes(after: ["task.progressed"]))
        handlers.wakingTypes = ["task.created", "task.completed"]
        #expect(!handlers.wakes(after: ["task.progressed", "task.accepted"]))
        #expect(handlers.wakes(after: ["task.progressed", "task.completed"]))
        #expect(!handlers.wakes(after: []))
    }
}
