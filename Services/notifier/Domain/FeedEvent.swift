import EventBackbone
import EventContracts
import Foundation

/// What the notifier reads of an event: when it happened, who may see it, and its `data` object
/// as its producer wrote it — one decode of the body, no second encoding (docs/notifications.md).
struct FeedEvent: Equatable {
    let occurredAt: Date
    let audiences: Set<Audience>
    /// The event's `data` object, passed to the feeds untouched.
    let data: String

    /// An event whose body has no data object, or is another event than its message says, is poison.
    init(_ event: IncomingEvent) throws {
        let envelope: Envelope
        do {
            envelope = try EventCoding.decoder().decode(Envelope.self, from: Data(event.body))
        } catch {
            throw PoisonMessage(reason: "the event has no data object: \(error)")
        }
        guard envelope.id == event.id else { throw PoisonMessage.mismatchedId(message: event.id, body: envelope.id) }
        guard envelope.type == event.type else {
            throw PoisonMessage(reason: "the message type \(event.type) is not the event's type \(envelope.type)")
        }
        occurredAt = envelope.occurredAt
        audiences = Audience.of(type: event.type, fields: envelope.data)
        if let raw = RawJSON.member("data", of: event.body) {
            data = String(decoding: raw, as: UTF8.self)
        } else {
            // A member name written with escapes: the object again, as JSON of its own.
            let object = try JSONSerialization.jsonObject(with: Data(event.body)) as? [String: Any]
            data = String(decoding: try JSONSerialization.data(withJSONObject: object?["data"] ?? [:], options: [.sortedKeys]), as: UTF8.self)
        }
    }

    private struct Envelope: Decodable {
        let id: UUID
        let type: String
        let occurredAt: Date
        let data: Audience.Fields
    }
}
