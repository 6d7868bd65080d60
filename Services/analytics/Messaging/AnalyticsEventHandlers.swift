import EventBackbone
import EventContracts
import Foundation
import PostgresNIO

/// Every event analytics counts, into its store; after each commit the publisher learns that
/// the figures may have changed.
struct AnalyticsEventHandlers: Sendable {
    let store: AnalyticsStore
    let publisher: FiguresPublisher

    var handlers: EventHandlers {
        var handlers = EventHandlers()
        // A batch in one autocommitted statement that claims it too (docs/analytics.md).
        handlers.onClaimingBatch(Self.taskEventTypes + Self.profileEventTypes) { claim, events, connection in
            try await store.record(try AnalyticsBatch(events), claim: claim, on: connection)
        }
        let publisher = publisher
        handlers.afterCommit = { publisher.figuresMayHaveChanged() }
        return handlers
    }

    /// The task events analytics counts, each decoded into what it says (a body that does not
    /// match is poison).
    static let taskEvents: [String: @Sendable (IncomingEvent) throws -> TaskEventFact] = [
        TaskCreated.eventType: fact(TaskCreated.self), TaskAssigned.eventType: fact(TaskAssigned.self),
        TaskAccepted.eventType: fact(TaskAccepted.self), TaskProgressed.eventType: fact(TaskProgressed.self),
        TaskCompleted.eventType: fact(TaskCompleted.self), TaskFailed.eventType: fact(TaskFailed.self),
        TaskRequeued.eventType: fact(TaskRequeued.self), TaskCancelled.eventType: fact(TaskCancelled.self),
        TaskOverdue.eventType: fact(TaskOverdue.self), TaskEdited.eventType: fact(TaskEdited.self),
    ]

    static var taskEventTypes: [String] { taskEvents.keys.sorted() }
    static let profileEventTypes = [UserRegistered.eventType, UserUpdated.eventType]

    static func fact(_ event: IncomingEvent) throws -> TaskEventFact {
        guard let decode = taskEvents[event.type] else {
            throw PoisonMessage(reason: "analytics has no task handler for \(event.type)")
        }
        return try decode(event)
    }

    private static func fact<Payload: CountedTaskEvent>(_ type: Payload.Type) -> @Sendable (IncomingEvent) throws -> TaskEventFact {
        { event in
            let envelope = try event.decode(Payload.self)
            let data = envelope.data
            var fact = TaskEventFact(
                eventId: envelope.id, type: envelope.type, taskId: data.taskId, version: data.version,
                assigneeId: data.countedAssignee, at: envelope.occurredAt
            )
            data.annotate(&fact)
            return fact
        }
    }
}

/// A task event as analytics reads it: whose task, at which version, for whom, and what more
/// only some events say.
protocol CountedTaskEvent: EventPayload {
    var taskId: UUID { get }
    var version: Int { get }
    /// The employee the fact is about (none for a creation or a requeue).
    var countedAssignee: UUID? { get }
    func annotate(_ fact: inout TaskEventFact)
}

extension CountedTaskEvent {
    func annotate(_ fact: inout TaskEventFact) {}
}

extension TaskCreated: CountedTaskEvent {
    var countedAssignee: UUID? { nil }
    func annotate(_ fact: inout TaskEventFact) {
        (fact.created, fact.priority, fact.dueAt, fact.requiredSkills) = (true, priority, dueAt, requiredSkills)
    }
}
extension TaskAssigned: CountedTaskEvent { var countedAssignee: UUID? { assigneeId } }
extension TaskAccepted: CountedTaskEvent { var countedAssignee: UUID? { assigneeId } }
extension TaskProgressed: CountedTaskEvent { var countedAssignee: UUID? { assigneeId } }
extension TaskCompleted: CountedTaskEvent { var countedAssignee: UUID? { assigneeId } }
extension TaskCancelled: CountedTaskEvent { var countedAssignee: UUID? { assigneeId } }
extension TaskFailed: CountedTaskEvent {
    var countedAssignee: UUID? { assigneeId }
    func annotate(_ fact: inout TaskEventFact) { (fact.willRetry, fact.detail) = (willRetry, willRetry ? "retry" : "final") }
}
extension TaskRequeued: CountedTaskEvent {
    var countedAssignee: UUID? { nil }
    func annotate(_ fact: inout TaskEventFact) { fact.detail = reason.rawValue }
}
extension TaskEdited: CountedTaskEvent {
    var countedAssignee: UUID? { assigneeId }
    func annotate(_ fact: inout TaskEventFact) {
        (fact.edited, fact.priority, fact.dueAt, fact.requiredSkills) = (true, priority, dueAt, requiredSkills)
        fact.detail = changed.joined(separator: ",")
    }
}
extension TaskOverdue: CountedTaskEvent {
    var countedAssignee: UUID? { assigneeId }
    func annotate(_ fact: inout TaskEventFact) { fact.overdue = true }
}
