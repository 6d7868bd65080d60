import Foundation

/// A parsed `redis://[:password@]host:port[/db]` address.
public struct RedisURL: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var password: String?
    public var database: Int

    public struct InvalidURL: Error, CustomStringConvertible {
        public let description: String
    }

    public init(host: String, port: Int = 6379, password: String? = nil, database: Int = 0) {
        self.host = host
        self.port = port
        self.password = password
        self.database = database
    }

    public init(parsing text: String) throws {
        guard let components = URLComponents(string: text), components.scheme == "redis" else {
            throw InvalidURL(description: "expected redis://host:port")
        }
        guard let host = components.host, !host.isEmpty else { throw InvalidURL(description: "the host is missing") }
        let port = components.port ?? 6379
        guard (1...65_535).contains(port) else { throw InvalidURL(description: "the port is out of range") }
        let path = components.path.drop(while: { $0 == "/" })
        guard path.isEmpty || Int(path) != nil else { throw InvalidURL(description: "the database must be a number") }
        self.init(
            host: host, port: port, password: components.percentEncodedPassword?.removingPercentEncoding,
            database: Int(path) ?? 0
        )
    }
}
