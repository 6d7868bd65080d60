import EventBackbone
import EventContracts
import Foundation
import Logging
import PostgresNIO

/// What the scheduler does with the events it follows: keep its read models, carry out manual
/// assignments, and — once the transaction commits — wake the assigner.
struct SchedulerEventHandlers: Sendable {
    let store: SchedulerStore
    let assigner: Assigner
    let logger: Logger

    var handlers: EventHandlers {
        var handlers = EventHandlers()
        handlers.on(UserRegistered.self) { event, connection in try await store.profile(event.data, at: event.occurredAt, on: connection) }
        handlers.on(UserUpdated.self) { event, connection in try await store.profile(event.data, at: event.occurredAt, on: connection) }
        handlers.on(PresenceOnline.self) { event, connection in
            try await store.presence(event.data.employeeId, online: true, at: event.data.at, on: connection)
        }
        handlers.on(PresenceOffline.self) { event, connection in
            try await store.presence(event.data.employeeId, online: false, at: event.data.at, on: connection)
        }
        handlers.on(TaskCreated.self) { event, connection in
            try await store.created(event.data, at: event.occurredAt, on: connection)
        }
        handlers.on(TaskAssigned.self) { event, connection in
            let data = event.data
            try await store.apply(
                .assigned(assignee: data.assigneeId, reservation: data.reservationId), to: data.taskId, version: data.version,
                at: event.occurredAt, on: connection
            )
        }
        handlers.on(TaskAccepted.self) { event, connection in
            try await store.apply(.accepted, to: event.data.taskId, version: event.data.version, at: event.occurredAt, on: connection)
        }
        handlers.on(TaskCompleted.self) { event, connection in
            try await store.apply(.completed, to: event.data.taskId, version: event.data.version, at: event.occurredAt, on: connection)
        }
        handlers.on(TaskFailed.self) { event, connection in
            try await store.apply(
                .failed(willRetry: event.data.willRetry), to: event.data.taskId, version: event.data.version, at: event.occurredAt,
                on: connection
            )
        }
        handlers.on(TaskRequeued.self) { event, connection in
            let data = event.data
            try await store.apply(
                .requeued(avoid: data.avoidEmployeeId, notBefore: data.notBefore, avoidUntil: data.avoidUntil), to: data.taskId,
                version: data.version,
                at: event.occurredAt, on: connection
            )
        }
        handlers.on(TaskCancelled.self) { event, connection in
            try await store.apply(.cancelled, to: event.data.taskId, version: event.data.version, at: event.occurredAt, on: connection)
        }
        handlers.on(TaskAssignmentRejected.self) { event, connection in
            try await store.rejected(event.data, on: connection)
        }
        handlers.on(AssignmentRequested.self) { event, connection in
            try await manual(event, on: connection)
        }
        handlers.on(WorkRequested.self) { event, connection in
            // Asking for work means being ready for it.
            try await store.setAvailability(
                event.data.employeeId, to: .available, reason: "work_requested", correlationId: event.correlationId,
                causationId: event.id, on: connection
            )
        }
        let assigner = assigner
        handlers.afterCommit = { assigner.wake() }
        // Only what can make an assignment possible starts a round: work to give (a new or
        // requeued task, a refused proposal), freed capacity (an ended task), someone who can take
        // it (online, their profile, asking for work). An offer, its acceptance and progress change
        // nobody's room: they used to start half of all rounds, each reading the queue and the team.
        handlers.wakingTypes = [
            TaskCreated.eventType, TaskRequeued.eventType, TaskAssignmentRejected.eventType, TaskCompleted.eventType,
            TaskFailed.eventType, TaskCancelled.eventType, PresenceOnline.eventType, UserRegistered.eventType,
            UserUpdated.eventType, WorkRequested.eventType,
        ]
        return handlers
    }

    /// An admin's manual assignment: proposed at once when the employee can take it, otherwise
    /// refused with the reason (`assignment.refused`).
    func manual(_ event: EventEnvelope<AssignmentRequested>, on connection: PostgresConnection) async throws {
        let request = event.data
        let intent = SchedulerStore.Intent(
            taskId: request.taskId, expectedVersion: nil, employeeId: request.employeeId, requiredSkills: [], manual: true,
            correlationId: event.correlationId, causationId: event.id
        )
        guard case .failure(let refusal) = try await store.propose([intent], on: connection).first else { return }
        logger.info("manual assignment refused", metadata: ["task.id": "\(request.taskId)", "reason": "\(refusal.reason)"])
        let refused = AssignmentRefused(
            taskId: request.taskId, employeeId: request.employeeId, requestedBy: request.requestedBy, reason: refusal.reason
        )
        try await store.outbox.append(
            EventEnvelope(source: "scheduler", correlationId: event.correlationId, causationId: event.id, data: refused),
            on: connection, logger: logger
        )
    }
}
