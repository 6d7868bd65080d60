import EventContracts
import Foundation

/// An event ready for the outbox: its id, its type (the routing key) and its JSON body.
public struct EncodedEvent: Sendable, Equatable {
    public let id: UUID
    public let type: String
    public let body: String

    /// An event whose JSON is already made (tools, tests, events of a newer version).
    public init(id: UUID, type: String, body: String) {
        self.id = id
        self.type = type
        self.body = body
    }

    public init<Payload>(_ envelope: EventEnvelope<Payload>) throws {
        id = envelope.id
        type = envelope.type
        body = String(decoding: try EventCoding.encode(envelope), as: UTF8.self)
    }
}
