import Foundation
import KeyValueStore
import Logging
import Messaging
import Persistence
import Telemetry
import Tokens

/// The settings every service reads from the environment (docs/deployment.md). The defaults reach a local
/// stack on loopback (`compose/local up`), so a developer sets nothing.
public struct ServiceConfiguration: Sendable {
    public var httpHost: String
    public var httpPort: Int
    public var database: DatabaseURL
    public var amqp: AMQPURL
    public var amqpQueueType: QueueType
    /// CA certificates that verify an `amqps://` broker (`ORCH_AMQP_CA_FILE`).
    public var amqpCAFile: String?
    /// Set only for services that use Redis.
    public var redis: RedisURL?
    public var logLevel: Logger.Level
    /// `ORCH_LOG_FORMAT`: `json` (one object a line, the default) or `text`.
    public var logFormat: TelemetrySystem.LogFormat
    /// `ORCH_OTLP_ENDPOINT`: where spans go over OTLP/HTTP (`http://collector:4318`); none: no
    /// spans are recorded, trace ids still travel (docs/operations.md).
    public var otlpEndpoint: String?
    /// Keys that sign (auth) and verify (everyone) tokens, `ORCH_TOKEN_SECRETS`.
    public var tokenKeys: TokenKeys
    /// How long handled messages' ids are kept in the inbox (`ORCH_INBOX_RETENTION`, 1 h to 90 d,
    /// default 7 d): longer than any redelivery could come.
    public var inboxRetention: Duration
    /// The raw environment, for the service's own `ORCH_<SERVICE>_*` knobs.
    public var environment: EnvironmentReader

    public init(service: ServiceDescriptor, environment values: [String: String]) throws {
        let env = EnvironmentReader(values)
        let role = service.databaseRole
        httpHost = env.string("ORCH_HTTP_HOST", default: "127.0.0.1")
        httpPort = try env.integer("ORCH_HTTP_PORT", default: service.defaultPort, in: 1...65_535)
        database = try env.parsed(
            "ORCH_DATABASE_URL", default: "postgres://\(role):\(role)@127.0.0.1:5432/orchestrator",
            DatabaseURL.init(parsing:)
        )
        amqp = try env.parsed("ORCH_AMQP_URL", default: "amqp://guest:guest@127.0.0.1:5672/%2f", AMQPURL.init(parsing:))
        amqpQueueType = try env.choice("ORCH_AMQP_QUEUE_TYPE", default: QueueType.classic)
        amqpCAFile = env.optionalString("ORCH_AMQP_CA_FILE")
        redis =
            service.usesRedis
            ? try env.parsed("ORCH_REDIS_URL", default: "redis://127.0.0.1:6379", RedisURL.init(parsing:))
            : nil
        logLevel = try env.logLevel("ORCH_LOG_LEVEL", default: .info)
        logFormat = try env.choice("ORCH_LOG_FORMAT", default: TelemetrySystem.LogFormat.json)
        otlpEndpoint = try env.optionalString("ORCH_OTLP_ENDPOINT").map(Self.endpoint)
        inboxRetention = try env.duration(
            "ORCH_INBOX_RETENTION", default: .seconds(7 * 86_400), in: .seconds(3_600)...(.seconds(90 * 86_400)))
        // The built-in key is for a developer's loopback stack only; anything reachable from
        // elsewhere must bring its own.
        let loopback = ["127.0.0.1", "localhost", "::1"].contains(httpHost)
        if env.optionalString("ORCH_TOKEN_SECRETS") == nil, !loopback {
            throw ConfigurationError(
                variable: "ORCH_TOKEN_SECRETS", value: "",
                problem: "required when ORCH_HTTP_HOST is not a loopback address"
            )
        }
        tokenKeys = try env.parsed("ORCH_TOKEN_SECRETS", default: Self.developmentTokenSecret, TokenKeys.init(parsing:))
        environment = env
    }

    /// An OTLP/HTTP endpoint: an `http` or `https` URL with a host, and without credentials or a
    /// query (the exporter names its URL when it warns; a collector that wants a key belongs
    /// behind a local agent).
    static func endpoint(_ text: String) throws -> String {
        let trimmed = text.trimmingSpaces
        guard let url = URL(string: trimmed), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host?.isEmpty == false,
            url.query == nil, url.user == nil, url.password == nil
        else {
            // Credentials, if any, stay out of the message.
            var shown = trimmed
            if let scheme = shown.range(of: "://"), let at = shown.range(of: "@"), scheme.upperBound <= at.lowerBound {
                shown.replaceSubrange(scheme.upperBound..<at.lowerBound, with: "****")
            }
            throw ConfigurationError(
                variable: "ORCH_OTLP_ENDPOINT", value: shown, problem: "not an http(s) URL without credentials, like http://collector:4318")
        }
        return trimmed
    }

    /// The token key a loopback-only development stack uses when none is configured.
    static let developmentTokenSecret = "local-dev:orchestrator-local-development-only-not-a-secret"
}
