/// A message the broker delivered to one of our consumers. Acknowledge it through the
/// ``AMQPConnection`` it came from, after its effects are committed.
public struct Delivery: Sendable {
    public let queue: String
    public let exchange: String
    public let routingKey: String
    public let body: [UInt8]
    public let messageId: String?
    public let type: String?
    public let headers: [String: HeaderValue]
    public let redelivered: Bool
    /// The broker's tag for this delivery on its connection.
    let tag: UInt64
    /// Which connection of the owning ``AMQPConnection`` delivered it; an ack for an earlier
    /// connection is meaningless (the broker redelivers those messages by itself).
    let generation: Int
}
