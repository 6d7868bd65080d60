import Foundation

/// A parsed `redis://[[user]:password@]host:port[/db]` address. With a user, the connection
/// signs in as that ACL user (`AUTH user password`, Redis 6 and later); with only a password, as
/// the default user.
public struct RedisURL: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var user: String?
    public var password: String?
    public var database: Int

    public struct InvalidURL: Error, CustomStringConvertible {
        public let description: String
    }

    public init(host: String, port: Int = 6379, user: String? = nil, password: String? = nil, database: Int = 0) {
        self.host = host
        self.port = port
        self.user = user
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
        let user = components.percentEncodedUser?.removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 }
        let password = components.percentEncodedPassword?.removingPercentEncoding
        if user != nil, password == nil { throw InvalidURL(description: "a user needs a password") }
        self.init(
            host: host, port: port, user: user, password: password,
            database: Int(path) ?? 0
        )
    }
}
