/// A persistent message to publish.
public struct OutgoingMessage: Sendable {
    public var exchange: String
    public var routingKey: String
    public var body: [UInt8]
    public var messageId: String?
    public var type: String?
    public var headers: [String: HeaderValue]

    public init(
        exchange: String, routingKey: String, body: [UInt8], messageId: String? = nil, type: String? = nil,
        headers: [String: HeaderValue] = [:]
    ) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.messageId = messageId
        self.type = type
        self.headers = headers
    }
}
