import EventContracts
import Foundation

/// An event as delivered to a handler, before its payload is decoded.
public struct IncomingEvent: Sendable {
    public let header: EventHeader
    public let body: [UInt8]
    /// 1 on the first delivery, then one more for each retry after a failure.
    public let attempt: Int

    /// The whole envelope with its typed payload; a body that does not match is poison.
    public func decode<Payload: EventPayload>(_ type: Payload.Type) throws -> EventEnvelope<Payload> {
        do {
            return try EventCoding.decode(type, from: body)
        } catch {
            throw PoisonMessage(reason: "cannot decode \(header.type): \(error)")
        }
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
}

/// A message that can never be handled, however often it is tried: it goes straight to the
/// queue's dead letters with `reason` in its headers.
public struct PoisonMessage: Error, CustomStringConvertible {
    public let reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}
