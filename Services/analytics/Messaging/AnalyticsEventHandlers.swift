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
        handlers.on(UserRegistered.self) { event, connection in try await store.profile(event.data, at: event.occurredAt, on: connection) }
        handlers.on(UserUpdated.self) { event, connection in try await store.profile(event.data, at: event.occurredAt, on: connection) }
        handlers.onBatch(Self.taskEventTypes) { events, connection in
            try await store.taskEvents(events.map(Self.fact), on: connection)
        }
        let publisher = publisher
        handlers.afterCommit = { publisher.figuresMayHaveChanged() }
        return handlers
    }

    static let taskEventTypes = [
        TaskCreated.eventType, TaskAssigned.eventType, TaskAccepted.eventType, TaskProgressed.eventType, TaskCompleted.eventType,
        TaskFailed.eventType, TaskRequeued.eventType, TaskCancelled.eventType, TaskOverdue.eventType,
    ]

    /// What a task event says, decoded by its type (a body that does not match is poison).
    static func fact(_ event: IncomingEvent) throws -> TaskEventFact {
        func fact<Payload>(_ envelope: EventEnvelope<Payload>, _ taskId: UUID, _ version: Int, _ assigneeId: UUID?) -> TaskEventFact {
            TaskEventFact(eventId: envelope.id, type: envelope.type, taskId: taskId, version: version, assigneeId: assigneeId, at: envelope.occurredAt)
        }
        switch event.header.type {
        case TaskCreated.eventType:
            let e = try event.decode(TaskCreated.self)
            var made = fact(e, e.data.taskId, e.data.version, nil)
            (made.created, made.priority, made.dueAt) = (true, e.data.priority, e.data.dueAt)
            return made
        case TaskAssigned.eventType:
            let e = try event.decode(TaskAssigned.self)
            return fact(e, e.data.taskId, e.data.version, e.data.assigneeId)
        case TaskAccepted.eventType:
            let e = try event.decode(TaskAccepted.self)
            return fact(e, e.data.taskId, e.data.version, e.data.assigneeId)
        case TaskProgressed.eventType:
            let e = try event.decode(TaskProgressed.self)
            return fact(e, e.data.taskId, e.data.version, e.data.assigneeId)
        case TaskCompleted.eventType:
            let e = try event.decode(TaskCompleted.self)
            return fact(e, e.data.taskId, e.data.version, e.data.assigneeId)
        case TaskFailed.eventType:
            let e = try event.decode(TaskFailed.self)
            var made = fact(e, e.data.taskId, e.data.version, e.data.assigneeId)
            (made.willRetry, made.detail) = (e.data.willRetry, e.data.willRetry ? "retry" : "final")
            return made
        case TaskRequeued.eventType:
            let e = try event.decode(TaskRequeued.self)
            var made = fact(e, e.data.taskId, e.data.version, nil)
            made.detail = e.data.reason.rawValue
            return made
        case TaskCancelled.eventType:
            let e = try event.decode(TaskCancelled.self)
            return fact(e, e.data.taskId, e.data.version, e.data.assigneeId)
        case TaskOverdue.eventType:
            let e = try event.decode(TaskOverdue.self)
            var made = fact(e, e.data.taskId, e.data.version, e.data.assigneeId)
            made.overdue = true
            return made
        default:
            throw PoisonMessage(reason: "analytics has no task handler for \(event.header.type)")
        }
    }
}
