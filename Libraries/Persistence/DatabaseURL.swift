import Foundation
import PostgresNIO

/// A parsed `postgres://role:password@host:port/database[?sslmode=…&sslrootcert=…]` address.
///
/// `sslmode` as libpq spells it, of which these (docs/deployment.md, "Transport security"):
/// `disable` (the default: plain, for loopback and private networks), `require` (encrypted, the
/// server's certificate not checked), `verify-full` (encrypted, the certificate checked against
/// `sslrootcert` — a CA file — or the system's roots, and the host name against it).
public struct DatabaseURL: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode = .disable

    public enum TLSMode: Sendable, Equatable {
        case disable
        case require
        /// The CA file, or nil for the system's roots.
        case verifyFull(caFile: String?)
    }

    /// Reasons an address cannot be used, in words an operator can act on.
    public struct InvalidURL: Error, CustomStringConvertible {
        public let description: String
    }

    public init(host: String, port: Int = 5432, username: String, password: String?, database: String) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    public init(parsing text: String) throws {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
        else { throw InvalidURL(description: "expected postgres://role:password@host:port/database") }
        guard let host = components.host, !host.isEmpty else { throw InvalidURL(description: "the host is missing") }
        guard let username = components.user, !username.isEmpty else {
            throw InvalidURL(description: "the role (user name) is missing")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw InvalidURL(description: "the database name is missing") }
        let port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw InvalidURL(description: "the port is out of range") }
        self.init(
            host: host, port: port, username: components.percentEncodedUser?.removingPercentEncoding ?? username,
            password: components.percentEncodedPassword?.removingPercentEncoding, database: database
        )
        tls = try Self.tlsMode(components.queryItems ?? [])
    }

    private static func tlsMode(_ items: [URLQueryItem]) throws -> TLSMode {
        var mode: String?
        var caFile: String?
        for item in items {
            switch item.name {
            case "sslmode": mode = item.value ?? ""
            case "sslrootcert": caFile = item.value ?? ""
            default: throw InvalidURL(description: "unknown parameter \(item.name.prefix(40)) (sslmode and sslrootcert are known)")
            }
        }
        switch mode ?? "disable" {
        case "disable":
            guard caFile == nil else { throw InvalidURL(description: "sslrootcert needs sslmode=verify-full") }
            return .disable
        case "require":
            guard caFile == nil else { throw InvalidURL(description: "sslrootcert needs sslmode=verify-full") }
            return .require
        case "verify-full":
            if let caFile {
                guard !caFile.isEmpty, FileManager.default.isReadableFile(atPath: caFile) else {
                    throw InvalidURL(description: "sslrootcert \(caFile.prefix(200)) is not a readable file")
                }
            }
            return .verifyFull(caFile: caFile)
        default:
            throw InvalidURL(description: "sslmode must be disable, require or verify-full")
        }
    }

    /// The TLS settings for PostgresNIO: nil for a plain connection.
    var tlsConfiguration: TLSConfiguration? {
        guard tls != .disable else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .fullVerification
        if case .require = tls { configuration.certificateVerification = .none }
        if case .verifyFull(let caFile?) = tls { configuration.trustRoots = .file(caFile) }
        return configuration
    }

    /// Client settings for this address; connection attempts give up quickly so that health checks
    /// and retries notice an unreachable server within seconds. Connections open on demand and
    /// close when idle (tools, tests).
    public var clientConfiguration: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database,
            tls: tlsConfiguration.map { .require($0) } ?? .disable
        )
        configuration.options.connectTimeout = .seconds(3)
        configuration.options.maximumConnections = 16
        return configuration
    }

    /// A service's pool: up to `connections`, one of them always kept open, none pinged.
    ///
    /// The minimum stays at one. PostgresNIO 1.33's pool assumes it never holds fewer live
    /// connections than its minimum when it opens one more on demand, and stops the process with
    /// `Precondition failed` when it does — which a server going and coming back can bring about.
    /// With a minimum of one the assumption holds while the pool holds or is opening any
    /// connection at all. The cost: a timer (a sleeping task) armed each time a connection above
    /// the minimum goes back to the pool, measured at no visible change in the services' CPU
    /// (docs/benchmarks.md, "fifth session"); keep-alive pings stay off.
    ///
    /// `genericPlans`: every statement of the pool's sessions is planned once per session and
    /// its plan reused (`plan_cache_mode = force_generic_plan`), for a service whose statements
    /// all have one shape whatever their values. PostgreSQL otherwise plans a prepared statement
    /// anew at every run while it guesses a plan for the values at hand would be cheaper — for an
    /// `= ANY($1)` of a few ids, always — and a round's statements spent more time being planned
    /// than running (docs/benchmarks.md, "Planned once"). Not for a service with optional filters
    /// (`$1 IS NULL OR …`), whose plans must see the values.
    public func servicePoolConfiguration(connections: Int = 10, genericPlans: Bool = false) -> PostgresClient.Configuration {
        var configuration = clientConfiguration
        configuration.options.maximumConnections = connections
        configuration.options.minimumConnections = 1
        configuration.options.keepAliveBehavior = nil
        if genericPlans { configuration.options.additionalStartupParameters.append(("plan_cache_mode", "force_generic_plan")) }
        return configuration
    }

    /// Settings for a single dedicated connection (a session that holds a lock, or LISTENs);
    /// throws when the TLS settings cannot be made (a CA file that holds no certificate).
    public var connectionConfiguration: PostgresConnection.Configuration {
        get throws {
            var configuration = PostgresConnection.Configuration(
                host: host, port: port, username: username, password: password, database: database,
                tls: try tlsConfiguration.map { .require(try NIOSSLContext(configuration: $0)) } ?? .disable
            )
            configuration.options.connectTimeout = .seconds(3)
            return configuration
        }
    }
}
