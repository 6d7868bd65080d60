/// Why a Redis command did not produce a reply.
public enum RedisError: Error, CustomStringConvertible, Equatable {
    /// The server could not be reached or the connection broke; the next command reconnects.
    case connection(String)
    /// The server answered with an error reply.
    case server(String)

    public var description: String {
        switch self {
        case .connection(let message): "redis connection: \(message)"
        case .server(let message): "redis: \(message)"
        }
    }
}
