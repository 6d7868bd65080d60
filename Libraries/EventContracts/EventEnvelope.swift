import Foundation

/// The JSON body of every message on `orchestrator.events` (docs/events.md, "The envelope"). The same `id` travels in
/// the AMQP `message_id` property and the `type` in the AMQP `type` property.
public struct EventEnvelope<Payload: EventPayload>: Codable, Sendable, Equatable {
    public var id: UUID
    public var type: String
    public var version: Int
    public var occurredAt: Date
    public var source: String
    public var correlationId: UUID
    public var causationId: UUID?
    public var data: Payload

    /// A new event of `Payload`'s type; `causationId` is the event that caused it, if any.
    public init(
        id: UUID = UUID.random(), occurredAt: Date = Date(), source: String, correlationId: UUID,
        causationId: UUID? = nil, data: Payload
    ) {
        self.id = id
        self.type = Payload.eventType
        self.version = Payload.schemaVersion
        self.occurredAt = occurredAt
        self.source = source
        self.correlationId = correlationId
        self.causationId = causationId
        self.data = data
    }

    private enum CodingKeys: String, CodingKey {
        case id, type, version, occurredAt, source, correlationId, causationId, data
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        version = try container.decode(Int.self, forKey: .version)
        guard type == Payload.eventType, version == Payload.schemaVersion else {
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription: "expected \(Payload.eventType) v\(Payload.schemaVersion), found \(type) v\(version)"
            )
        }
        id = try container.decode(UUID.self, forKey: .id)
        occurredAt = try container.decode(Date.self, forKey: .occurredAt)
        source = try container.decode(String.self, forKey: .source)
        correlationId = try container.decode(UUID.self, forKey: .correlationId)
        causationId = try container.decodeIfPresent(UUID.self, forKey: .causationId)
        data = try container.decode(Payload.self, forKey: .data)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(type, forKey: .type)
        try container.encode(version, forKey: .version)
        try container.encode(occurredAt, forKey: .occurredAt)
        try container.encode(source, forKey: .source)
        try container.encode(correlationId, forKey: .correlationId)
        // Always present, `null` when there is no cause, as the contract spells it.
        try container.encode(causationId, forKey: .causationId)
        try container.encode(data, forKey: .data)
    }
}

/// The envelope without its payload: enough to route, deduplicate and trace a message whose
/// type the reader may not know.
public struct EventHeader: Codable, Sendable, Equatable {
    public var id: UUID
    public var type: String
    public var version: Int
    public var occurredAt: Date
    public var source: String
    public var correlationId: UUID
    public var causationId: UUID?
}
