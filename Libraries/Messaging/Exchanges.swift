/// The exchanges every service shares (docs/events.md; docs/architecture.md, "Five processes, one exchange").
public enum Exchanges {
    /// The durable topic exchange all events are published to, routed by event type.
    public static let events = "orchestrator.events"
    /// Where messages go that could not be decoded or whose handler kept failing.
    public static let deadLetters = "orchestrator.dead"
}
