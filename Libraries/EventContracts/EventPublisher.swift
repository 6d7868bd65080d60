/// The service that alone may publish an event type (docs/events.md, "The catalogue"): its name
/// is the envelope's `source`, and the broker lets its user publish only the routing keys of the
/// types it owns (docs/security.md, "Between the services").
public enum EventPublisher: String, CaseIterable, Sendable, Codable {
    case auth, tasks, scheduler, notifier, analytics
}
