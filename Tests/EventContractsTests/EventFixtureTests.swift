import EventContracts
import Foundation
import Testing

@Suite struct EventFixtureTests {
    static func fixture(_ eventType: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: eventType, withExtension: "json", subdirectory: "Fixtures"))
        return Array(try Data(contentsOf: url))
    }

    static func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test(arguments: EventCatalogue.all.map { $0.eventType })
    func everyEventRoundTripsThroughItsFixture(eventType: String) throws {
        let payloadType = try #require(EventCatalogue.payloadType(for: eventType))
        try roundTrip(payloadType, fixture: try Self.fixture(eventType))
    }

    func roundTrip<P: EventPayload>(_ type: P.Type, fixture: [UInt8]) throws {
        let decoded = try EventCoding.decode(P.self, from: fixture)
        #expect(decoded.type == P.eventType)
        let encoded = try EventCoding.encode(decoded)
        #expect(try EventCoding.decode(P.self, from: encoded) == decoded)
        // The same fields on the wire as in the fixture: nothing renamed, nothing invented.
        let fixtureData = try #require(try Self.object(fixture)["data"] as? [String: Any])
        let encodedData = try #require(try Self.object(encoded)["data"] as? [String: Any])
        let presentInFixture = Set(fixtureData.filter { !($0.value is NSNull) }.keys)
        #expect(Set(encodedData.keys) == presentInFixture)
    }

    @Test func theCatalogueHasEveryTypeOnceWithItsOwnRoutingKey() {
        let keys = EventCatalogue.all.map { $0.eventType }
        #expect(keys.count == 25)  // docs/events.md, "The catalogue": 24 types
        #expect(Set(keys).count == keys.count)
        #expect(EventCatalogue.all.allSatisfy { $0.schemaVersion == 1 })
    }

    @Test func envelopeCarriesEveryFieldWithMillisecondTimes() throws {
        let envelope = EventEnvelope(
            occurredAt: Date(timeIntervalSince1970: 1_764_579_600.25), source: "tasks", correlationId: UUID(),
            data: WorkRequested(employeeId: UUID())
        )
        let object = try Self.object(try EventCoding.encode(envelope))
        #expect(object["occurredAt"] as? String == "2025-12-01T09:00:00.250Z")
        #expect(object["type"] as? String == "work.requested")
        #expect(object["version"] as? Int == 1)
        #expect(object["causationId"] is NSNull)
        #expect(Set(object.keys) == ["id", "type", "version", "occurredAt", "source", "correlationId", "causationId", "data"])
    }

    @Test(arguments: ["2026-11-30T12:10:37.966Z", "2026-11-30T12:10:37.001Z", "2026-11-30T12:10:37.999Z", "1969-12-31T23:59:59.500Z"])
    func timesSurviveAReadAndAWrite(text: String) throws {
        let date = try EventCoding.decoder().decode([Date].self, from: Data("[\"\(text)\"]".utf8))[0]
        #expect(EventCoding.timestamp(date) == text)
    }

    @Test func unknownFieldsAreIgnored() throws {
        var object = try Self.object(try Self.fixture("task.completed"))
        object["addedLater"] = ["anything": true]
        var data = try #require(object["data"] as? [String: Any])
        data["rating"] = 5
        object["data"] = data
        let bytes = Array(try JSONSerialization.data(withJSONObject: object))
        #expect(try EventCoding.decode(TaskCompleted.self, from: bytes).data.message == "Supplier confirmed the order.")
    }

    @Test func anAssignmentRequestFromBeforeItCarriedAVersionStillReads() throws {
        var object = try Self.object(try Self.fixture("assignment.requested"))
        var data = try #require(object["data"] as? [String: Any])
        #expect(data.removeValue(forKey: "version") as? Int == 3)
        object["data"] = data
        let bytes = Array(try JSONSerialization.data(withJSONObject: object))
        let request = try EventCoding.decode(AssignmentRequested.self, from: bytes).data
        #expect(request.version == nil)
        #expect(request.requestedBy == UUID(uuidString: "11111111-2222-4333-8444-555555555555"))
    }

    @Test(arguments: ["id", "occurredAt", "correlationId", "data"])
    func aMissingEnvelopeFieldIsADecodingError(field: String) throws {
        var object = try Self.object(try Self.fixture("task.accepted"))
        object.removeValue(forKey: field)
        let bytes = Array(try JSONSerialization.data(withJSONObject: object))
        #expect(throws: DecodingError.self) { try EventCoding.decode(TaskAccepted.self, from: bytes) }
    }

    @Test(arguments: ["taskId", "version", "assigneeId", "message"])
    func aMissingDataFieldIsADecodingError(field: String) throws {
        var object = try Self.object(try Self.fixture("task.completed"))
        var data = try #require(object["data"] as? [String: Any])
        data.removeValue(forKey: field)
        object["data"] = data
        let bytes = Array(try JSONSerialization.data(withJSONObject: object))
        #expect(throws: DecodingError.self) { try EventCoding.decode(TaskCompleted.self, from: bytes) }
    }

    @Test func anEnvelopeOfAnotherTypeIsRefused() throws {
        #expect(throws: DecodingError.self) {
            try EventCoding.decode(TaskCompleted.self, from: try Self.fixture("task.failed"))
        }
    }

    @Test func theHeaderReadsAnyEvent() throws {
        let header = try EventCoding.header(of: try Self.fixture("presence.online"))
        #expect(header.type == "presence.online")
        #expect(header.source == "notifier")
        #expect(header.causationId == nil)
    }
}
