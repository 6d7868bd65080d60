import EventBackbone
import Foundation
import Messaging

/// Raw events of a type private to one test, so tests never see each other's messages.
struct TestEvents {
    let type = "test.\(UUID().uuidString.prefix(8).lowercased())"

    func encoded(seq: Int, id: UUID = UUID()) -> EncodedEvent {
        EncodedEvent(id: id, type: type, body: """
            {"id":"\(id.uuidString.lowercased())","type":"\(type)","version":1,"occurredAt":"2026-11-29T10:00:00.000Z",\
            "source":"test","correlationId":"\(UUID().uuidString.lowercased())","causationId":null,"data":{"seq":\(seq)}}
            """)
    }

    func message(seq: Int, id: UUID = UUID()) -> OutgoingMessage {
        let event = encoded(seq: seq, id: id)
        return OutgoingMessage(
            exchange: Exchanges.events, routingKey: type, body: Array(event.body.utf8),
            messageId: id.uuidString.lowercased(), type: type
        )
    }

    static func seq(_ body: [UInt8]) -> Int? {
        struct Envelope: Decodable {
            struct Data: Decodable { let seq: Int }
            let data: Data
        }
        return try? JSONDecoder().decode(Envelope.self, from: Foundation.Data(body)).data.seq
    }
}
