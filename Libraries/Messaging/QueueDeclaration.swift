/// A durable queue a service consumes from, with the routing keys it is bound to on
/// `orchestrator.events`, and its retry and dead-letter companions:
///
/// - `<name>.retry`, bound to `orchestrator.retry` with key `<name>.retry`, holds a failed
///   message for `retryDelay`, then hands it back to `<name>` (itself bound there with key
///   `<name>`, for replayed dead letters);
/// - `<name>.dead`, bound to `orchestrator.dead` with key `<name>`, keeps what could not be
///   handled, with the reason in its headers, until someone looks.
public struct QueueDeclaration: Sendable, Equatable {
    public var name: String
    public var bindings: [String]
    public var type: QueueType
    public var retryDelay: Duration
    /// For throw-away queues (benchmarks, tests): the broker deletes them after this long unused.
    public var expires: Duration?
    /// Only one consumer at a time receives (the others stand by and take over when it goes):
    /// for a queue whose messages must be handled in the order they were published even when
    /// the service runs several replicas.
    public var singleActiveConsumer: Bool

    public init(
        name: String, bindings: [String], type: QueueType, retryDelay: Duration = .milliseconds(500), expires: Duration? = nil,
        singleActiveConsumer: Bool = false
    ) {
        self.name = name
        self.bindings = bindings
        self.type = type
        self.retryDelay = retryDelay
        self.expires = expires
        self.singleActiveConsumer = singleActiveConsumer
    }

    public var retryQueue: String { name + ".retry" }
    public var deadQueue: String { name + ".dead" }
}
