import Foundation

/// The JSON body of every message on `orchestrator.events` (DESIGN §3). The same `id` travels in
/// the AMQP `message_id` property and the `type` in the AMQP `type` property.
public struct EventEnvelope<Payload: Codable & Sendable>: Codable, Sendable {
    public var id: UUID
    public var type: String
    public var version: Int
    public var occurredAt: Date
    public var source: String
    public var correlationId: UUID
    public var causationId: UUID?
    public var data: Payload

    public init(
        id: UUID = UUID(), type: String, version: Int, occurredAt: Date = Date(), source: String,
        correlationId: UUID, causationId: UUID? = nil, data: Payload
    ) {
        self.id = id
        self.type = type
        self.version = version
        self.occurredAt = occurredAt
        self.source = source
        self.correlationId = correlationId
        self.causationId = causationId
        self.data = data
    }
}
