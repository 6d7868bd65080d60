import EventBackbone
import EventContracts
import Foundation
import Testing

/// A delivery's id and type come from its message's properties; the body is decoded once, by
/// the handler, which holds it to them.
@Suite struct IncomingEventTests {
    let accepted = TaskAccepted(taskId: UUID.random(), version: 3, assigneeId: UUID.random())

    func body(id: UUID, source: String = "tasks") throws -> [UInt8] {
        try EventCoding.encode(EventEnvelope(id: id, source: source, correlationId: UUID.random(), data: accepted))
    }

    @Test func aBodyThatMatchesItsMessageDecodes() throws {
        let id = UUID.random()
        let event = IncomingEvent(id: id, type: TaskAccepted.eventType, body: try body(id: id), attempt: 1)
        #expect(try event.decode(TaskAccepted.self).data == accepted)
    }

    @Test func aBodyOfAnotherEventIdIsPoison() throws {
        let event = IncomingEvent(id: UUID.random(), type: TaskAccepted.eventType, body: try body(id: UUID.random()), attempt: 1)
        let error = #expect(throws: PoisonMessage.self) { try event.decode(TaskAccepted.self) }
        #expect(error?.reason.contains("is not the event's id") == true)
    }

    @Test func aBodyOfAnotherTypeOrNoJSONAtAllIsPoison() throws {
        let id = UUID.random()
        let wrongType = IncomingEvent(id: id, type: TaskCompleted.eventType, body: try body(id: id), attempt: 1)
        #expect(throws: PoisonMessage.self) { try wrongType.decode(TaskCompleted.self) }
        let notJSON = IncomingEvent(id: id, type: TaskAccepted.eventType, body: Array("not json".utf8), attempt: 1)
        #expect(throws: PoisonMessage.self) { try notJSON.decode(TaskAccepted.self) }
    }

    /// Only the tasks service says `task.accepted`: the same event said to come from anyone else
    /// — another service, or a name nobody has — is poison, dead-lettered at once.
    @Test(arguments: ["scheduler", "analytics", "Tasks", ""])
    func anEventFromAServiceThatDoesNotPublishItsTypeIsPoison(source: String) throws {
        let id = UUID.random()
        let event = IncomingEvent(id: id, type: TaskAccepted.eventType, body: try body(id: id, source: source), attempt: 1)
        let error = #expect(throws: PoisonMessage.self) { try event.decode(TaskAccepted.self) }
        #expect(error?.reason == "the source \"\(source)\" does not publish task.accepted (tasks does)")
    }
}
