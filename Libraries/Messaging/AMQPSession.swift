import CRabbitMQ
import Resilience

/// One open AMQP connection and channel through rabbitmq-c.
///
/// rabbitmq-c connections are not thread-safe: a session is created, used and closed by the one
/// thread that owns it (see ``AMQPConnection``).
final class AMQPSession {
    static let channel: amqp_channel_t = 1
    private let state: amqp_connection_state_t

    init(url: AMQPURL, heartbeat: Int, connectTimeout: Duration, caFile: String?) throws {
        guard let state = amqp_new_connection() else { throw AMQPError("connect", "cannot allocate a connection") }
        self.state = state
        do {
            try open(url: url, heartbeat: heartbeat, connectTimeout: connectTimeout, caFile: caFile)
        } catch {
            amqp_destroy_connection(state)
            throw error
        }
    }

    private func open(url: AMQPURL, heartbeat: Int, connectTimeout: Duration, caFile: String?) throws {
        let socket: OpaquePointer?
        if url.useTLS {
            socket = amqp_ssl_socket_new(state)
            guard let socket else { throw AMQPError("connect", "cannot create a TLS socket") }
            amqp_ssl_socket_set_verify_peer(socket, 1)
            amqp_ssl_socket_set_verify_hostname(socket, 1)
            if let caFile {
                try check(status: amqp_ssl_socket_set_cacert(socket, caFile), "load CA file \(caFile)")
            }
        } else {
            socket = amqp_tcp_socket_new(state)
        }
        guard let socket else { throw AMQPError("connect", "cannot create a socket") }
        var timeout = connectTimeout.timeval
        try check(status: amqp_socket_open_noblock(socket, url.host, Int32(url.port), &timeout), "connect to \(url.host):\(url.port)")
        try check(
            reply: orch_amqp_login_plain(state, url.virtualHost, 0, 131_072, Int32(heartbeat), url.username, url.password),
            "login"
        )
        amqp_channel_open(state, Self.channel)
        try check(reply: amqp_get_rpc_reply(state), "channel.open")
    }

    /// Declares a durable exchange of `type` (`topic`, `direct`, …), as the broker keeps it.
    func declareExchange(_ name: String, type: String) throws {
        name.withCString { name in
            type.withCString { type in
                _ = amqp_exchange_declare(
                    state, Self.channel, amqp_cstring_bytes(name), amqp_cstring_bytes(type),
                    0, 1, 0, 0, amqp_table_t(num_entries: 0, entries: nil)
                )
            }
        }
        try check(reply: amqp_get_rpc_reply(state), "exchange.declare \(name)")
    }

    /// Declares a durable queue with `arguments` (`x-queue-type`, dead-lettering, TTL, …).
    func declareQueue(_ name: String, arguments: [String: HeaderValue]) throws {
        AMQPTable.with(arguments) { table in
            name.withCString { name in
                _ = amqp_queue_declare(state, Self.channel, amqp_cstring_bytes(name), 0, 1, 0, 0, table)
            }
        }
        try check(reply: amqp_get_rpc_reply(state), "queue.declare \(name)")
    }

    func bindQueue(_ queue: String, exchange: String, routingKey: String) throws {
        queue.withCString { queue in
            exchange.withCString { exchange in
                routingKey.withCString { key in
                    _ = amqp_queue_bind(
                        state, Self.channel, amqp_cstring_bytes(queue), amqp_cstring_bytes(exchange),
                        amqp_cstring_bytes(key), amqp_table_t(num_entries: 0, entries: nil)
                    )
                }
            }
        }
        try check(reply: amqp_get_rpc_reply(state), "queue.bind \(queue) \(routingKey)")
    }

    /// Puts the channel in confirm mode: the broker acks every publish once it has taken it.
    func enablePublisherConfirms() throws {
        _ = amqp_confirm_select(state, Self.channel)
        try check(reply: amqp_get_rpc_reply(state), "confirm.select")
    }

    /// Starts consuming `queue` with manual acknowledgements, at most `prefetch` unacknowledged.
    func consume(_ queue: String, consumerTag: String, prefetch: UInt16) throws {
        _ = amqp_basic_qos(state, Self.channel, 0, prefetch, 0)
        try check(reply: amqp_get_rpc_reply(state), "basic.qos")
        queue.withCString { queue in
            consumerTag.withCString { tag in
                _ = amqp_basic_consume(
                    state, Self.channel, amqp_cstring_bytes(queue), amqp_cstring_bytes(tag), 0, 0, 0,
                    amqp_table_t(num_entries: 0, entries: nil)
                )
            }
        }
        try check(reply: amqp_get_rpc_reply(state), "basic.consume \(queue)")
    }

    /// Sends one persistent message (delivery mode 2, JSON content type).
    func publish(_ message: OutgoingMessage) throws {
        var properties = amqp_basic_properties_t()
        properties._flags = amqp_flags_t(AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG)
        properties.delivery_mode = 2
        let status: Int32 = "application/json".withCString { contentType in
            (message.messageId ?? "").withCString { messageId in
                (message.type ?? "").withCString { type in
                    AMQPTable.with(message.headers) { headers in
                        properties.content_type = amqp_cstring_bytes(contentType)
                        if message.messageId != nil {
                            properties._flags |= amqp_flags_t(AMQP_BASIC_MESSAGE_ID_FLAG)
                            properties.message_id = amqp_cstring_bytes(messageId)
                        }
                        if message.type != nil {
                            properties._flags |= amqp_flags_t(AMQP_BASIC_TYPE_FLAG)
                            properties.type = amqp_cstring_bytes(type)
                        }
                        if !message.headers.isEmpty {
                            properties._flags |= amqp_flags_t(AMQP_BASIC_HEADERS_FLAG)
                            properties.headers = headers
                        }
                        return message.exchange.withCString { exchange in
                            message.routingKey.withCString { key in
                                message.body.withUnsafeBytes { body in
                                    amqp_basic_publish(
                                        state, Self.channel, amqp_cstring_bytes(exchange), amqp_cstring_bytes(key), 0, 0,
                                        &properties,
                                        amqp_bytes_t(len: body.count, bytes: UnsafeMutableRawPointer(mutating: body.baseAddress))
                                    )
                                }
                            }
                        }
                    }
                }
            }
        }
        try check(status: status, "basic.publish")
    }

    /// Acknowledges `tag` — and with `multiple` every delivery before it still unacknowledged.
    func ack(_ tag: UInt64, multiple: Bool) throws {
        try check(status: amqp_basic_ack(state, Self.channel, tag, multiple ? 1 : 0), "basic.ack")
    }

    func reject(_ tag: UInt64, requeue: Bool) throws {
        try check(status: amqp_basic_reject(state, Self.channel, tag, requeue ? 1 : 0), "basic.reject")
    }

    /// The socket, for waiting on it together with other descriptors.
    var socketDescriptor: Int32 { amqp_get_sockfd(state) }

    /// Whether frames are already read and waiting, so waiting on the socket would be wrong.
    var hasBufferedFrames: Bool { amqp_frames_enqueued(state) != 0 || amqp_data_in_buffer(state) != 0 }

    /// Waits up to `timeout` for the next frame, answering heartbeats meanwhile.
    /// Returns nil when nothing arrived; throws when the connection broke or the broker closed it.
    func nextFrame(timeout: Duration) throws -> amqp_frame_t? {
        amqp_maybe_release_buffers(state)
        var frame = amqp_frame_t()
        var limit = timeout.timeval
        let status = amqp_simple_wait_frame_noblock(state, &frame, &limit)
        if status == AMQP_STATUS_TIMEOUT.rawValue { return nil }
        try check(status: status, "wait for frame")
        if frame.frame_type == AMQP_FRAME_METHOD {
            switch frame.payload.method.id {
            case AMQP_CONNECTION_CLOSE_METHOD:
                let close = frame.payload.method.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
                throw AMQPError("connection closed by broker", "\(close.reply_code) \(Self.text(close.reply_text))")
            case AMQP_CHANNEL_CLOSE_METHOD:
                let close = frame.payload.method.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
                throw AMQPError("channel closed by broker", "\(close.reply_code) \(Self.text(close.reply_text))")
            default:
                break
            }
        }
        return frame
    }

    /// Closes politely when the broker is still there; frees everything either way.
    func close() {
        _ = amqp_channel_close(state, Self.channel, AMQP_REPLY_SUCCESS)
        _ = amqp_connection_close(state, AMQP_REPLY_SUCCESS)
        amqp_destroy_connection(state)
    }

    /// Frees the connection without talking to a broker that is gone.
    func abandon() {
        amqp_destroy_connection(state)
    }

    private func check(status: Int32, _ operation: String) throws {
        guard status != AMQP_STATUS_OK.rawValue else { return }
        throw AMQPError(operation, String(cString: amqp_error_string2(status)))
    }

    private func check(reply: amqp_rpc_reply_t, _ operation: String) throws {
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            return
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            throw AMQPError(operation, String(cString: amqp_error_string2(reply.library_error)))
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            throw AMQPError(operation, Self.serverReason(reply.reply))
        default:
            throw AMQPError(operation, "no reply")
        }
    }

    private static func serverReason(_ method: amqp_method_t) -> String {
        switch method.id {
        case AMQP_CONNECTION_CLOSE_METHOD:
            let close = method.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            return "\(close.reply_code) \(text(close.reply_text))"
        case AMQP_CHANNEL_CLOSE_METHOD:
            let close = method.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            return "\(close.reply_code) \(text(close.reply_text))"
        default:
            return "server exception (method \(method.id))"
        }
    }

    static func text(_ bytes: amqp_bytes_t) -> String {
        guard let start = bytes.bytes else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: start, count: bytes.len), as: UTF8.self)
    }
}
