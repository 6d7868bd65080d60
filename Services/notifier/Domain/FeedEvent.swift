import EventBackbone
import EventContracts
import Foundation

/// What the notifier reads of an event: when it happened, who may see it, and its `data` object
/// as its producer wrote it — one decode of the body, as its EventContracts type, and no second
/// encoding (docs/notifications.md).
struct FeedEvent: Equatable {
    let occurredAt: Date
    let audiences: Set<Audience>
    /// The event's `data` object, passed to the feeds untouched.
    let data: String

    /// An event whose body is not the event of its contract (no data object, a missing or
    /// mistyped field, another type or id than its message says) is poison.
    init(_ event: IncomingEvent) throws {
        guard let contract = EventCatalogue.payloadType(for: event.type) else {
            throw PoisonMessage(reason: "\(event.type) is no event type of EventContracts")
        }
        (occurredAt, audiences) = try Self.read(contract, from: event)
        if let raw = RawJSON.member("data", of: event.body) {
            data = String(decoding: raw, as: UTF8.self)
        } else {
            // A member name written with escapes: the object again, as JSON of its own.
            let object = try JSONSerialization.jsonObject(with: Data(event.body)) as? [String: Any]
            data = String(
                decoding: try JSONSerialization.data(withJSONObject: object?["data"] ?? [:], options: [.sortedKeys]), as: UTF8.self)
        }
    }

    /// The body decoded once, as its contract type: when it happened and who may see it.
    private static func read<Payload: EventPayload>(_ contract: Payload.Type, from event: IncomingEvent) throws -> (Date, Set<Audience>) {
        let envelope = try event.decode(contract)
        return (envelope.occurredAt, Audience.of(envelope.data))
    }
}
