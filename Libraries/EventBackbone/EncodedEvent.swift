import EventContracts
import Foundation

/// An event ready for the outbox: its id, its type (the routing key) and its JSON body.
public struct EncodedEvent: Sendable, Equatable {
    public let id: UUID
    public let type: String
    public let body: String

    public init<Payload>(_ envelope: EventEnvelope<Payload>) throws {
        id = envelope.id
        type = envelope.type
        body = String(decoding: try EventCoding.encode(envelope), as: UTF8.self)
    }
}
