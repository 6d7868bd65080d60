import EventBackbone
import Foundation
import Messaging

/// Raw events that carry a sequence number (`{"data": {"seq": N}}`), of a type private to one
/// test or benchmark run, so order and loss can be checked at the far end.
public enum SequencedEvents {
    public static func event(type: String, seq: Int, id: UUID = UUID()) -> EncodedEvent {
        EncodedEvent(
            id: id, type: type,
            body: """
                {"id":"\(id.uuidString)","type":"\(type)","version":1,"occurredAt":"\(Date().formatted(.iso8601))",\
                "source":"probe","correlationId":"\(UUID().uuidString)","causationId":null,"data":{"seq":\(seq)}}
                """)
    }

    /// The same event as a message ready to publish directly.
    public static func message(type: String, seq: Int, id: UUID = UUID()) -> OutgoingMessage {
        let event = event(type: type, seq: seq, id: id)
        return OutgoingMessage(
            exchange: Exchanges.events, routingKey: type, body: Array(event.body.utf8), messageId: id.uuidString, type: type
        )
    }

    public static func seq(of body: [UInt8]) -> Int? {
        struct Envelope: Decodable {
            struct Payload: Decodable { let seq: Int }
            let data: Payload
        }
        return try? JSONDecoder().decode(Envelope.self, from: Data(body)).data.seq
    }
}
