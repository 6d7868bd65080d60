import Foundation

/// The `data` of one event type, with the routing key and version it travels under.
///
/// Routing keys are written out per type, never derived from Swift names. A breaking change to a
/// payload is a new type with a new version, published beside the old one.
public protocol EventPayload: Codable, Sendable, Equatable {
    /// The event type, which is also the routing key on `orchestrator.events`.
    static var eventType: String { get }
    /// The payload's schema version.
    static var schemaVersion: Int { get }
    /// The one service that publishes this type; consumers dead-letter an envelope of it whose
    /// `source` names another (docs/events.md, "Who may say what").
    static var publisher: EventPublisher { get }
    /// The one employee, besides the admins, who may see this event in their notification feed
    /// (docs/notifications.md, "Who sees what"): the assignee of their own task, the employee a
    /// reservation or an availability belongs to. Nil — the default — means admins only, so an
    /// event type that does not say is never shown to an employee.
    var concernedEmployee: UUID? { get }
}

extension EventPayload {
    public var concernedEmployee: UUID? { nil }
}
