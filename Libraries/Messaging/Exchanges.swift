/// The exchanges every service shares (docs/events.md; docs/architecture.md, "Five processes, one exchange").
public enum Exchanges {
    /// The durable topic exchange all events are published to, routed by event type.
    public static let events = "orchestrator.events"
    /// Where messages go that could not be decoded or whose handler kept failing.
    public static let deadLetters = "orchestrator.dead"
    /// Where a consumer sends a message back to its own queues: a failed one to `<queue>.retry`
    /// (routing key `<queue>.retry`), a replayed dead letter to `<queue>` (routing key `<queue>`).
    /// A topic exchange rather than the default one, which reaches every queue by name: the
    /// broker lets each service's user publish here only keys that begin with its own name
    /// (docs/security.md, "Between the services").
    public static let retry = "orchestrator.retry"
}
