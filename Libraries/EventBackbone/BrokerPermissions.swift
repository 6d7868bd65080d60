import EventContracts
import Foundation
import Messaging

/// What each service's RabbitMQ user may do (docs/security.md, "Between the services"), made
/// from the event contracts: `compose/rabbitmq/permissions.conf` is this, written out, and the
/// stacks give the users exactly that (its test holds the file to it).
///
/// - On the virtual host: configure, write and read only its own queues (`<service>.…`) and the
///   three shared exchanges.
/// - On `orchestrator.events`: publish only the types it owns (``EventPublisher``); bind any.
/// - On `orchestrator.retry` and `orchestrator.dead`: publish and bind only keys naming its own
///   queues, so it can send a message back to its own queues and nobody else's.
///
/// The default exchange is not among them: it reaches every queue by name.
public struct BrokerPermissions: Sendable, Equatable {
    public struct Topic: Sendable, Equatable {
        public var exchange: String
        public var write: String
        public var read: String
    }

    public var user: String
    /// What it may configure, write and read on the virtual host: the same resources for all three.
    public var resources: String
    public var topics: [Topic]

    /// The broker user of `service`: `orch_<service>`, as its database role.
    public static func user(of service: EventPublisher) -> String { "orch_\(service.rawValue)" }

    public init(for service: EventPublisher) {
        let own = "\(service.rawValue)\\."
        let shared = [Exchanges.events, Exchanges.retry, Exchanges.deadLetters].map(Self.escaped).joined(separator: "|")
        let types = EventCatalogue.eventTypes(publishedBy: service).map(Self.escaped).joined(separator: "|")
        user = Self.user(of: service)
        resources = "^(\(own).*|\(shared))$"
        topics = [
            Topic(exchange: Exchanges.events, write: "^(\(types))$", read: ".*"),
            Topic(exchange: Exchanges.retry, write: "^\(own)", read: "^\(own)"),
            Topic(exchange: Exchanges.deadLetters, write: "^\(own)", read: "^\(own)"),
        ]
    }

    /// Every service's, as `compose/rabbitmq/permissions.conf` holds them: one line per user
    /// (`<user> vhost <configure> <write> <read>`) and per topic exchange
    /// (`<user> topic <exchange> <write> <read>`), fields separated by spaces.
    public static func file() -> String {
        var lines = [
            "# Each service's RabbitMQ permissions, made from the event contracts (BrokerPermissions;",
            "# docs/security.md, \"Between the services\"). Do not edit: BrokerPermissionsTests holds",
            "# this file to the contracts and writes the expected one to .build/permissions.conf.",
            "#",
            "# <user> vhost <configure> <write> <read>",
            "# <user> topic <exchange> <write> <read>",
        ]
        for service in EventPublisher.allCases {
            let permissions = BrokerPermissions(for: service)
            let resources = permissions.resources
            lines.append("\(permissions.user) vhost \(resources) \(resources) \(resources)")
            for topic in permissions.topics {
                lines.append("\(permissions.user) topic \(topic.exchange) \(topic.write) \(topic.read)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` as a regular expression that matches only itself (names hold letters, `_` and `.`).
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: ".", with: "\\.")
    }
}
