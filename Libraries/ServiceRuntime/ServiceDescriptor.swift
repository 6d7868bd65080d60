import EventBackbone
import Foundation
import Persistence

/// What distinguishes one service from another to the shared runtime.
public struct ServiceDescriptor: Sendable {
    /// The service's name: `auth`, `tasks`, `scheduler`, `notifier` or `analytics`.
    public let name: String
    /// The PostgreSQL schema it owns (and its database role's name, prefixed `orch_`).
    public let schema: String
    /// Its HTTP port when `ORCH_HTTP_PORT` is not set (docs/architecture.md, "Five processes, one exchange").
    public let defaultPort: Int
    /// Whether it needs Redis (locks, presence), so readiness checks it.
    public let usesRedis: Bool
    /// Its migrations after version 1 (the schema itself): version 2 is the backbone's outbox and
    /// inbox, then the service's own, in order.
    public let migrations: [Migration]
    /// The resources its `openapi.yaml` is among (its module's bundle); the runtime serves the
    /// document at `/openapi.json` and answers 405 from it. Nil: no document (tests' services).
    public let resources: Bundle?
    /// Buckets of its own duration histograms, by label, where the hops' (0.5 ms to 30 s) do not
    /// fit: a task's time to completion is minutes to hours.
    public let histogramBuckets: [String: [Duration]]
    /// Whether it learns account changes from `user.updated` on a queue of its own
    /// (`<name>.accounts`) to keep its users' token cut-offs (docs/auth.md, "Revocation"): every
    /// service but auth, which makes the changes and records its cut-offs with them.
    public let learnsAccountChanges: Bool
    /// Whether its pool plans each statement once per session (`DatabaseURL.servicePoolConfiguration`):
    /// the scheduler, whose statements all have one shape; not a service with optional filters.
    public let genericPlans: Bool

    public init(
        name: String, schema: String, defaultPort: Int, usesRedis: Bool, migrations: [Migration], resources: Bundle? = nil,
        histogramBuckets: [String: [Duration]] = [:], learnsAccountChanges: Bool = true, genericPlans: Bool = false
    ) {
        self.name = name
        self.genericPlans = genericPlans
        self.learnsAccountChanges = learnsAccountChanges
        self.histogramBuckets = histogramBuckets
        self.schema = schema
        self.defaultPort = defaultPort
        self.usesRedis = usesRedis
        self.resources = resources
        self.migrations = [BackboneMigrations.outboxAndInbox(schema: schema, version: 2)] + migrations
    }

    /// The database role the bootstrap creates for this service.
    public var databaseRole: String { "orch_\(schema)" }
}
