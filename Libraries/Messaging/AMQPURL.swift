import Foundation

/// A parsed `amqp://` or `amqps://user:password@host:port/vhost` address.
public struct AMQPURL: Sendable, Equatable {
    public var useTLS: Bool
    public var host: String
    public var port: Int
    public var username: String
    public var password: String
    public var virtualHost: String

    public struct InvalidURL: Error, CustomStringConvertible {
        public let description: String
    }

    public init(parsing text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            ["amqp", "amqps"].contains(scheme)
        else { throw InvalidURL(description: "expected amqp://user:password@host:port/vhost (or amqps://)") }
        guard let host = components.host, !host.isEmpty else { throw InvalidURL(description: "the host is missing") }
        useTLS = scheme == "amqps"
        port = components.port ?? (useTLS ? 5671 : 5672)
        guard (1...65_535).contains(port) else { throw InvalidURL(description: "the port is out of range") }
        self.host = host
        username = components.percentEncodedUser?.removingPercentEncoding ?? "guest"
        password = components.percentEncodedPassword?.removingPercentEncoding ?? "guest"
        // As in the AMQP URI spec: no path means the default vhost "/", and "/%2f" spells it out.
        let path = components.percentEncodedPath
        if path.isEmpty || path == "/" {
            virtualHost = "/"
        } else {
            virtualHost = String(path.dropFirst()).removingPercentEncoding ?? String(path.dropFirst())
        }
    }
}
