import CHiredis

/// A Redis reply, copied out of hiredis' memory.
public enum RedisReply: Sendable, Equatable {
    case string(String)
    case status(String)
    case integer(Int)
    case array([RedisReply])
    case null
    case error(String)

    init(_ reply: UnsafePointer<redisReply>) {
        let value = reply.pointee
        switch value.type {
        case REDIS_REPLY_STRING:
            self = .string(Self.text(value))
        case REDIS_REPLY_STATUS:
            self = .status(Self.text(value))
        case REDIS_REPLY_ERROR:
            self = .error(Self.text(value))
        case REDIS_REPLY_INTEGER:
            self = .integer(Int(value.integer))
        case REDIS_REPLY_ARRAY:
            self = .array((0..<value.elements).map { RedisReply(UnsafePointer(value.element[$0]!)) })
        default:
            self = .null
        }
    }

    private static func text(_ reply: redisReply) -> String {
        guard let bytes = reply.str else { return "" }
        let buffer = UnsafeRawBufferPointer(start: bytes, count: reply.len)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// The text of a string or status reply.
    public var text: String? {
        switch self {
        case .string(let text), .status(let text): text
        default: nil
        }
    }
}
