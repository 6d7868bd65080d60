import EventBackbone
import EventContracts
import Foundation
import Testing

@testable import NotifierService

@Suite struct RawJSONTests {
    static func member(_ key: String, _ json: String) -> String? {
        RawJSON.member(key, of: Array(json.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func findsTheTopLevelMemberAsWritten() {
        let json = #"{"a":{"data":1},"b":["data",{"x":"}]"}],"data":{"s":"q\"uo}te","n":[1,{"y":null}], "z" : 2.50},"c":true}"#
        #expect(Self.member("data", json) == #"{"s":"q\"uo}te","n":[1,{"y":null}], "z" : 2.50}"#)
        #expect(Self.member("c", json) == "true")
        #expect(Self.member("a", json) == #"{"data":1}"#)
    }

    @Test func scalarsStringsAndWhitespace() {
        let json = " {\n \"n\" : -1.5e3 ,\t\"s\": \"a\\\\\" , \"t\":null}\n"
        #expect(Self.member("n", json) == "-1.5e3")
        #expect(Self.member("s", json) == #""a\\""#)
        #expect(Self.member("t", json) == "null")
    }

    @Test func absentMembersAndOtherDocumentsGiveNothing() {
        #expect(Self.member("data", #"{"a":1}"#) == nil)
        #expect(Self.member("data", #"[{"data":1}]"#) == nil)
        #expect(Self.member("data", "{}") == nil)
        #expect(Self.member("data", #"{"d\u0061ta":1}"#) == nil)
        #expect(Self.member("data", "") == nil)
    }
}

@Suite struct FeedEventTests {
    let alice = UUID.random()

    func incoming<P: EventPayload>(_ payload: P, id: UUID? = nil, type: String? = nil) throws -> IncomingEvent {
        let envelope = EventEnvelope(source: "tasks", correlationId: UUID.random(), data: payload)
        return IncomingEvent(id: id ?? envelope.id, type: type ?? envelope.type, body: try EventCoding.encode(envelope), attempt: 1)
    }

    @Test func theDataGoesToTheFeedAsItWasWritten() throws {
        let completed = TaskCompleted(taskId: UUID.random(), version: 4, assigneeId: alice, message: #"done: "all" of it / {ok}"#)
        let event = try incoming(completed)
        let feedEvent = try FeedEvent(event)
        #expect(feedEvent.audiences == [.admins, .employee(alice)])
        let envelope = try EventCoding.decode(TaskCompleted.self, from: event.body)
        #expect(feedEvent.occurredAt == envelope.occurredAt)
        // Exactly the producer's bytes, and the same object when read.
        #expect(String(decoding: event.body, as: UTF8.self).contains(#""data":\#(feedEvent.data)"#))
        let data = try JSONDecoder().decode(TaskCompleted.self, from: Data(feedEvent.data.utf8))
        #expect(data == completed)
    }

    @Test func anEventWithoutADataObjectIsPoison() throws {
        let id = UUID.random()
        for body in [
            #"{"id":"\#(id)","type":"task.completed","occurredAt":"2026-12-01T07:10:27.558Z","data":"x"}"#, "not json",
            #"{"id":"\#(id)","type":"task.completed","occurredAt":"2026-12-01T07:10:27.558Z"}"#,
        ] {
            let event = IncomingEvent(id: id, type: "task.completed", body: Array(body.utf8), attempt: 1)
            #expect(throws: PoisonMessage.self) { try FeedEvent(event) }
        }
    }

    @Test func aBodyThatIsAnotherEventThanItsMessageSaysIsPoison() throws {
        let progressed = TaskProgressed(taskId: UUID.random(), version: 3, assigneeId: alice, progress: 40, note: nil)
        #expect(throws: PoisonMessage.self) { try FeedEvent(try incoming(progressed, id: UUID.random())) }
        #expect(throws: PoisonMessage.self) { try FeedEvent(try incoming(progressed, type: "task.completed")) }
    }

    @Test func aBodyThatDoesNotMatchItsContractIsPoison() throws {
        // An id that is not a UUID, a required field missing: the contract type cannot be read,
        // so nobody's audience can be known — dead-lettered, never shown to the wrong person.
        let id = UUID.random()
        for data in [
            #"{"taskId":"\#(UUID())","version":2,"assigneeId":"not-a-uuid","reservationId":"\#(UUID())","attempt":1}"#,
            #"{"taskId":"\#(UUID())","version":2}"#,
        ] {
            let body =
                #"{"id":"\#(id)","type":"task.assigned","version":1,"occurredAt":"2026-12-01T07:10:27.558Z","source":"scheduler","#
                + #""correlationId":"\#(UUID())","data":\#(data)}"#
            #expect(throws: PoisonMessage.self) {
                try FeedEvent(IncomingEvent(id: id, type: "task.assigned", body: Array(body.utf8), attempt: 1))
            }
        }
    }

    @Test func anEventTypeNoContractDefinesIsPoison() throws {
        let requeued = TaskRequeued(taskId: UUID.random(), version: 3, reason: .retry)
        #expect(throws: PoisonMessage.self) { try FeedEvent(try incoming(requeued, type: "task.vanished")) }
    }
}
