/// The `data` of one event type, with the routing key and version it travels under.
///
/// Routing keys are written out per type, never derived from Swift names. A breaking change to a
/// payload is a new type with a new version, published beside the old one.
public protocol EventPayload: Codable, Sendable, Equatable {
    /// The event type, which is also the routing key on `orchestrator.events`.
    static var eventType: String { get }
    /// The payload's schema version.
    static var schemaVersion: Int { get }
}
