import EventContracts
import Foundation
import PostgresNIO

/// The handlers of one consumer queue, by event type. Each runs inside the transaction that
/// also records the message in the inbox, on the connection it is given.
public struct EventHandlers: Sendable {
    public typealias Handler = @Sendable (IncomingEvent, PostgresConnection) async throws -> Void
    public typealias BatchHandler = @Sendable ([IncomingEvent], PostgresConnection) async throws -> Void
    public typealias ClaimingHandler = @Sendable (InboxClaim, [IncomingEvent], PostgresConnection) async throws -> Void
    public typealias FirstTry = @Sendable (InboxClaim, IncomingEvent, PostgresConnection) async throws -> FirstTryOutcome
    public typealias FirstTryTogether = @Sendable (InboxClaim, [IncomingEvent], PostgresConnection) async throws -> Set<UUID>

    private(set) var handlers: [String: Handler] = [:]
    /// The set-based handler and the types it takes (see `onBatch`).
    private(set) var batchHandler: BatchHandler?
    private(set) var batchTypes: Set<String> = []
    /// The handler that claims its events itself (see `onClaimingBatch`).
    private(set) var claimingHandler: ClaimingHandler?
    /// One-statement attempts at a delivery that arrives alone, by event type (see `firstTry`).
    private(set) var firstTries: [String: FirstTry] = [:]
    /// One-statement attempts at a batch of deliveries all of one type (see `firstTryTogether`).
    private(set) var firstTriesTogether: [String: FirstTryTogether] = [:]

    /// Called after each transaction of handled events commits (to wake work that reads what
    /// they wrote: before the commit it could not see it).
    public var afterCommit: (@Sendable () -> Void)?

    /// The event types whose commit calls `afterCommit` (nil: every type). A batch of only other
    /// types commits without waking anyone — a wake-up is a round of work for whoever listens.
    public var wakingTypes: Set<String>?

    /// Whether a committed batch of `types` calls `afterCommit`.
    public func wakes(after types: some Sequence<String>) -> Bool {
        guard let wakingTypes else { return true }
        return types.contains { wakingTypes.contains($0) }
    }

    public init() {}

    /// Handles `Payload` events; the queue is bound to their routing key.
    public mutating func on<Payload: EventPayload>(
        _ type: Payload.Type, _ handle: @escaping @Sendable (EventEnvelope<Payload>, PostgresConnection) async throws -> Void
    ) {
        precondition(claimingHandler == nil, "a claiming handler takes every type of its queue")
        handlers[Payload.eventType] = { event, connection in
            try await handle(try event.decode(Payload.self), connection)
        }
    }

    /// Handles events of `eventType` without decoding them (tools, relays of raw events).
    public mutating func onRaw(_ eventType: String, _ handle: @escaping Handler) {
        precondition(claimingHandler == nil, "a claiming handler takes every type of its queue")
        handlers[eventType] = handle
    }

    /// Handles events of `eventTypes` a run at a time: the consecutive new events of these types
    /// in a delivered batch go to `handle` together, in order (one statement for many instead of
    /// one each); a message handled alone comes as a run of one.
    public mutating func onBatch(_ eventTypes: [String], _ handle: @escaping BatchHandler) {
        precondition(batchHandler == nil && claimingHandler == nil, "one set-based handler per consumer")
        for type in eventTypes { handlers[type] = { event, connection in try await handle([event], connection) } }
        batchTypes = Set(eventTypes)
        batchHandler = handle
    }

    /// Handles events of `eventTypes` a batch at a time in **one autocommitted statement** that
    /// also records them in the inbox: the statement must insert `claim`'s ids into `claim.inbox`
    /// (`ON CONFLICT DO NOTHING RETURNING message_id`, as a CTE) and apply only the events that
    /// insert returned — so the effect and the inbox rows commit together, with no BEGIN and
    /// COMMIT around them. Every delivered batch goes to it whole (each message once); a message
    /// handled alone comes as a batch of one. It takes every type of its queue: no other handler
    /// may be added beside it.
    public mutating func onClaimingBatch(_ eventTypes: [String], _ handle: @escaping ClaimingHandler) {
        precondition(handlers.isEmpty, "a claiming handler takes every type of its queue")
        for type in eventTypes { handlers[type] = { _, _ in preconditionFailure("claimed batches are not handled one by one") } }
        claimingHandler = handle
    }

    /// A delivery of `eventType` that arrives alone is first offered to `attempt`, on a connection
    /// outside any transaction, which either handles it in **one autocommitted statement** that
    /// also claims it — a plain `INSERT` of `claim`'s id into `claim.inbox` (no `ON CONFLICT`: a
    /// message claimed meanwhile must fail the statement, effect and all), written only together
    /// with the effect — and returns `.handled`; or writes nothing and returns `.declined` (a
    /// duplicate, a refusal: whatever the usual handler decides differently). Then, or when it
    /// throws having written nothing (a transaction of its own rolled back), the
    /// delivery goes to the handler added with `on`/`onRaw`, in the usual transaction — which
    /// is also where a message that arrives with others goes. What it saves is BEGIN, the inbox's
    /// own statement and COMMIT: three round trips of an event's path at low rates. An attempt
    /// may also do, after its commit, what `afterCommit` would (`.handledAndFollowedUp`).
    public mutating func firstTry(_ eventType: String, _ attempt: @escaping FirstTry) {
        precondition(handlers[eventType] != nil && claimingHandler == nil, "a first try needs the usual handler behind it")
        firstTries[eventType] = attempt
    }

    /// The same for `Payload` events, decoded (a body that does not decode goes to the usual handler).
    public mutating func firstTry<Payload: EventPayload>(
        _ type: Payload.Type,
        _ attempt: @escaping @Sendable (EventEnvelope<Payload>, InboxClaim, PostgresConnection) async throws -> FirstTryOutcome
    ) {
        firstTry(Payload.eventType) { claim, event, connection in try await attempt(try event.decode(Payload.self), claim, connection) }
    }

    /// A delivered batch of two or more deliveries, all of `eventType`, is first offered to
    /// `attempt`, on a connection outside any transaction. In **one autocommitted statement** it
    /// handles those it can together with their claims — a plain `INSERT` into `claim.inbox` of
    /// exactly the ids it handles (no `ON CONFLICT`: one claimed meanwhile fails the statement,
    /// effects and all) — and returns those ids. The rest then go the usual way, in their order,
    /// after it: so it must leave every event whose effect depends on one it leaves (a later event
    /// of the same task). When it throws, the whole batch goes the usual way. What it saves is
    /// BEGIN, the inbox's own statement and COMMIT: three round trips of every batch.
    public mutating func firstTryTogether(_ eventType: String, _ attempt: @escaping FirstTryTogether) {
        precondition(handlers[eventType] != nil && claimingHandler == nil, "a first try needs the usual handler behind it")
        firstTriesTogether[eventType] = attempt
    }

    public var routingKeys: [String] { handlers.keys.sorted() }

    func handler(for eventType: String) -> Handler? { handlers[eventType] }
}

/// What a first try (`EventHandlers.firstTry`) did with the delivery it was offered.
public enum FirstTryOutcome: Sendable, Equatable {
    /// Wrote nothing: the usual handler takes the delivery.
    case declined
    /// Handled and claimed it; `afterCommit` follows as after any commit.
    case handled
    /// Handled and claimed it, and did itself, after its commit, what `afterCommit` would have
    /// done — which is then not called.
    case handledAndFollowedUp
}
