import CRabbitMQ
import Logging

/// What the owning thread keeps about one open session: unconfirmed publishes and the delivery
/// being assembled from its frames. Used only on that thread.
final class SessionLoop {
    let session: AMQPSession
    let generation: Int
    private let logger: Logger
    private var nextPublishTag: UInt64 = 1
    private var lowestUnconfirmed: UInt64 = 1
    private var unconfirmed: [UInt64: PublishBatch] = [:]
    private var incoming: IncomingDelivery?
    /// The deliveries of this session still to be settled, for coalescing acks.
    var ledger = AckLedger()

    init(session: AMQPSession, generation: Int, logger: Logger) {
        self.session = session
        self.generation = generation
        self.logger = logger
    }

    private struct IncomingDelivery {
        var queue: String
        var exchange: String
        var routingKey: String
        var tag: UInt64
        var redelivered: Bool
        var expectedSize: Int?
        var messageId: String?
        var type: String?
        var headers: [String: HeaderValue] = [:]
        var body: [UInt8] = []
    }

    func declare(_ queue: QueueDeclaration) throws {
        var common: [String: HeaderValue] = ["x-queue-type": .string(queue.type.rawValue)]
        if let expires = queue.expires { common["x-expires"] = .integer(expires.milliseconds) }
        var main = common.merging([
            "x-dead-letter-exchange": .string(Exchanges.deadLetters),
            "x-dead-letter-routing-key": .string(queue.name),
        ]) { $1 }
        if queue.singleActiveConsumer { main["x-single-active-consumer"] = .boolean(true) }
        try session.declareQueue(queue.name, arguments: main)
        try session.declareQueue(
            queue.retryQueue,
            arguments: common.merging([
                "x-message-ttl": .integer(queue.retryDelay.milliseconds),
                // Back through `orchestrator.retry`, where `<name>` is bound under its own name: the
                // broker lets a user declare a queue only with a dead-letter exchange it may write
                // to, and no service may write to the default one (docs/security.md).
                "x-dead-letter-exchange": .string(Exchanges.retry),
                "x-dead-letter-routing-key": .string(queue.name),
            ]) { $1 })
        try session.declareQueue(queue.deadQueue, arguments: common)
        try session.bindQueue(queue.deadQueue, exchange: Exchanges.deadLetters, routingKey: queue.name)
        try session.bindQueue(queue.retryQueue, exchange: Exchanges.retry, routingKey: queue.retryQueue)
        try session.bindQueue(queue.name, exchange: Exchanges.retry, routingKey: queue.name)
        for key in queue.bindings {
            try session.bindQueue(queue.name, exchange: Exchanges.events, routingKey: key)
        }
    }

    func publish(_ messages: [OutgoingMessage], batch: PublishBatch) throws {
        for message in messages {
            try session.publish(message)
            unconfirmed[nextPublishTag] = batch
            nextPublishTag += 1
        }
    }

    /// Fails every publish still waiting for a confirm on this session.
    func failPending(_ error: any Error) {
        for batch in unconfirmed.values { batch.fail(error) }
        unconfirmed.removeAll()
    }

    /// Takes one frame; returns a delivery once its last frame arrived.
    func handle(_ frame: amqp_frame_t) throws -> Delivery? {
        switch Int32(frame.frame_type) {
        case AMQP_FRAME_METHOD:
            try handleMethod(frame.payload.method)
            return nil
        case AMQP_FRAME_HEADER:
            guard var delivery = incoming else { return nil }
            let properties = frame.payload.properties.decoded.assumingMemoryBound(to: amqp_basic_properties_t.self).pointee
            delivery.expectedSize = Int(frame.payload.properties.body_size)
            if properties._flags & amqp_flags_t(AMQP_BASIC_MESSAGE_ID_FLAG) != 0 {
                delivery.messageId = AMQPSession.text(properties.message_id)
            }
            if properties._flags & amqp_flags_t(AMQP_BASIC_TYPE_FLAG) != 0 {
                delivery.type = AMQPSession.text(properties.type)
            }
            if properties._flags & amqp_flags_t(AMQP_BASIC_HEADERS_FLAG) != 0 {
                delivery.headers = AMQPTable.read(properties.headers)
            }
            incoming = delivery
            return completeIfWhole()
        case AMQP_FRAME_BODY:
            let fragment = frame.payload.body_fragment
            if let bytes = fragment.bytes, fragment.len > 0 {
                incoming?.body.append(contentsOf: UnsafeRawBufferPointer(start: bytes, count: fragment.len))
            }
            return completeIfWhole()
        default:
            return nil
        }
    }

    private func completeIfWhole() -> Delivery? {
        guard let delivery = incoming, let size = delivery.expectedSize, delivery.body.count >= size else { return nil }
        incoming = nil
        ledger.delivered(delivery.tag)
        return Delivery(
            queue: delivery.queue, exchange: delivery.exchange, routingKey: delivery.routingKey, body: delivery.body,
            messageId: delivery.messageId, type: delivery.type, headers: delivery.headers,
            redelivered: delivery.redelivered, tag: delivery.tag, generation: generation
        )
    }

    private func handleMethod(_ method: amqp_method_t) throws {
        switch method.id {
        case AMQP_BASIC_DELIVER_METHOD:
            let deliver = method.decoded.assumingMemoryBound(to: amqp_basic_deliver_t.self).pointee
            incoming = IncomingDelivery(
                queue: AMQPSession.text(deliver.consumer_tag), exchange: AMQPSession.text(deliver.exchange),
                routingKey: AMQPSession.text(deliver.routing_key), tag: deliver.delivery_tag,
                redelivered: deliver.redelivered != 0
            )
        case AMQP_BASIC_ACK_METHOD:
            let ack = method.decoded.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee
            settle(upTo: ack.delivery_tag, multiple: ack.multiple != 0) { $0.confirm() }
        case AMQP_BASIC_NACK_METHOD:
            let nack = method.decoded.assumingMemoryBound(to: amqp_basic_nack_t.self).pointee
            settle(upTo: nack.delivery_tag, multiple: nack.multiple != 0) {
                $0.fail(AMQPError("publish", "the broker refused a message"))
            }
        case AMQP_BASIC_CANCEL_METHOD:
            throw AMQPError("consume", "the broker cancelled a consumer")
        default:
            break
        }
    }

    private func settle(upTo tag: UInt64, multiple: Bool, _ action: (PublishBatch) -> Void) {
        if multiple {
            if lowestUnconfirmed <= tag {
                for settled in lowestUnconfirmed...tag {
                    if let batch = unconfirmed.removeValue(forKey: settled) { action(batch) }
                }
            }
        } else if let batch = unconfirmed.removeValue(forKey: tag) {
            action(batch)
        }
        while lowestUnconfirmed < nextPublishTag, unconfirmed[lowestUnconfirmed] == nil { lowestUnconfirmed += 1 }
    }
}

extension Duration {
    fileprivate var milliseconds: Int64 {
        components.seconds * 1_000 + components.attoseconds / 1_000_000_000_000_000
    }
}
