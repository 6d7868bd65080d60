import EventContracts
import Foundation
import Telemetry

/// An event as delivered to a handler, before its body is decoded: its id and type come from
/// the message's AMQP properties (the relay sets both), so a body is decoded once, by the
/// handler that reads it (docs/events.md).
public struct IncomingEvent: Sendable {
    public let id: UUID
    public let type: String
    public let body: [UInt8]
    /// 1 on the first delivery, then one more for each retry after a failure.
    public let attempt: Int
    /// The trace its handling belongs to: the consumer's span, a child of the span that
    /// published it (its `traceparent` header); nil for an event that came without one.
    public let trace: TraceParent?

    public init(id: UUID, type: String, body: [UInt8], attempt: Int, trace: TraceParent? = nil) {
        self.id = id
        self.type = type
        self.body = body
        self.attempt = attempt
        self.trace = trace
    }

    /// The whole envelope with its typed payload; a body that does not match — that is another
    /// event than its message's properties say, or says it comes from a service that does not
    /// publish its type (docs/events.md, "Who may say what") — is poison.
    public func decode<Payload: EventPayload>(_ type: Payload.Type) throws -> EventEnvelope<Payload> {
        let envelope: EventEnvelope<Payload>
        do {
            envelope = try EventCoding.decode(type, from: body)
        } catch {
            throw PoisonMessage(reason: "cannot decode \(self.type): \(error)")
        }
        guard envelope.id == id else { throw PoisonMessage.mismatchedId(message: id, body: envelope.id) }
        guard envelope.source == Payload.publisher.rawValue else {
            throw PoisonMessage.foreignSource(envelope.source, of: Payload.self)
        }
        return envelope
    }
}

extension PoisonMessage {
    /// A body whose event id is not the one its message carries.
    public static func mismatchedId(message: UUID, body: UUID) -> PoisonMessage {
        PoisonMessage(reason: "the message id \(message) is not the event's id \(body)")
    }

    /// An envelope whose `source` is not the one service that publishes its type.
    public static func foreignSource(_ source: String, of type: any EventPayload.Type) -> PoisonMessage {
        PoisonMessage(
            reason: "the source \"\(source.prefix(100))\" does not publish \(type.eventType) (\(type.publisher.rawValue) does)")
    }

    /// A message whose event type is not the routing key it was published with: a publisher
    /// may only use the keys it owns, and a type under another's key would slip past that.
    public static func mismatchedType(_ type: String, routingKey: String) -> PoisonMessage {
        PoisonMessage(reason: "the event type \(type.prefix(100)) came under the routing key \(routingKey.prefix(100))")
    }
}

/// The messages a claiming handler must record in the inbox in its own statement (see
/// `EventHandlers.onClaimingBatch`).
public struct InboxClaim: Sendable {
    /// The inbox table, schema-qualified, for `\(unescaped:)`.
    public let inbox: String
    public let queue: String
    /// Each message once, in delivery order.
    public let ids: [UUID]

    public init(inbox: String, queue: String, ids: [UUID]) {
        self.inbox = inbox
        self.queue = queue
        self.ids = ids
    }
}

/// A message that can never be handled, however often it is tried: it goes straight to the
/// queue's dead letters with `reason` in its headers.
public struct PoisonMessage: Error, CustomStringConvertible {
    public let reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}
