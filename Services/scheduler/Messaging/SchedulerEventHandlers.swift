import EventBackbone
import EventContracts
import Foundation
import Logging
import PostgresNIO
import Telemetry

/// What the scheduler does with the events it follows: keep its read models, carry out manual
/// assignments, and — once the transaction commits — wake the assigner.
struct SchedulerEventHandlers: Sendable {
    let store: SchedulerStore
    let assigner: Assigner
    let logger: Logger

    var handlers: EventHandlers {
        let assigner = assigner
        var handlers = EventHandlers()
        handlers.on(UserRegistered.self) { event, connection in try await store.profile(event.data, at: event.occurredAt, on: connection) }
        handlers.on(UserUpdated.self) { event, connection in try await store.profile(event.data, at: event.occurredAt, on: connection) }
        handlers.on(PresenceOnline.self) { event, connection in
            try await store.presence(event.data.employeeId, online: true, at: event.data.at, on: connection)
        }
        handlers.on(PresenceOffline.self) { event, connection in
            try await store.presence(event.data.employeeId, online: false, at: event.data.at, on: connection)
        }
        handlers.onBatch(Self.taskEventTypes) { events, connection in
            var creations: [(task: TaskCreated, at: Date)] = []
            var traces: [UUID: TraceParent] = [:]
            var changes: [TaskViewFold.Event] = []
            for event in events {
                switch try Self.taskEvent(event) {
                case .created(let task, let at):
                    creations.append((task, at))
                    traces[task.taskId] = event.trace
                case .changed(let change): changes.append(change)
                }
            }
            // Creations first: a view that a later event of the run changes exists by then (an
            // event before its creation builds on an unknown task either way, as one at a time).
            let due = try await store.created(creations, traces: traces, on: connection) + store.apply(changes, on: connection)
            try await carryOut(due, on: connection)
        }
        // A new task arriving alone joins the queue with its claim in one statement and, when no
        // round runs, gets the round it makes possible at once (`Assigner.created`).
        handlers.firstTry(TaskCreated.self) { event, claim, connection in
            try await assigner.created(event, claim: claim, on: connection)
        }
        // Any later task event arriving alone: folded over the view read without a lock and
        // written with its claim in one statement while the row is as read (`appliedAlone`).
        for type in Self.taskEventTypes where type != TaskCreated.eventType {
            handlers.firstTry(type) { claim, event, connection in
                guard case .changed(let change) = try Self.taskEvent(event) else { return .declined }
                return try await store.appliedAlone(change, claim: claim, on: connection) ? .handled : .declined
            }
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
        handlers.afterCommit = { assigner.wake() }
        // Only what can make an assignment possible starts a round: work to give (a new or
        // requeued task, a refused proposal, an edit that reorders the queue or changes who
        // fits), freed capacity (an ended task), someone who can take it (online, their profile,
        // asking for work). An offer, its acceptance and progress change nobody's room: they used
        // to start half of all rounds, each reading the queue and the team.
        handlers.wakingTypes = [
            TaskCreated.eventType, TaskRequeued.eventType, TaskAssignmentRejected.eventType, TaskCompleted.eventType,
            TaskFailed.eventType, TaskCancelled.eventType, TaskEdited.eventType, PresenceOnline.eventType, UserRegistered.eventType,
            UserUpdated.eventType, WorkRequested.eventType,
        ]
        return handlers
    }

    /// A task event as the scheduler reads it: a creation, or a change to fold into the view.
    enum TaskEvent {
        case created(TaskCreated, at: Date)
        case changed(TaskViewFold.Event)
    }

    /// The task events the scheduler's views follow, each decoded into what it says (a body that
    /// does not match is poison).
    static let taskEvents: [String: @Sendable (IncomingEvent) throws -> TaskEvent] = [
        TaskCreated.eventType: { event in
            let envelope = try event.decode(TaskCreated.self)
            return .created(envelope.data, at: envelope.occurredAt)
        },
        TaskAssigned.eventType: change(TaskAssigned.self) { .assigned(assignee: $0.assigneeId, reservation: $0.reservationId) },
        TaskAccepted.eventType: change(TaskAccepted.self) { _ in .accepted },
        TaskCompleted.eventType: change(TaskCompleted.self) { _ in .completed },
        TaskFailed.eventType: change(TaskFailed.self) { .failed(willRetry: $0.willRetry) },
        TaskRequeued.eventType: change(TaskRequeued.self) {
            .requeued(avoid: $0.avoidEmployeeId, notBefore: $0.notBefore, avoidUntil: $0.avoidUntil)
        },
        TaskCancelled.eventType: change(TaskCancelled.self) { _ in .cancelled },
        TaskEdited.eventType: change(TaskEdited.self) { .edited(priority: $0.priority, requiredSkills: $0.requiredSkills) },
    ]

    static var taskEventTypes: [String] { taskEvents.keys.sorted() }

    static func taskEvent(_ event: IncomingEvent) throws -> TaskEvent {
        guard let decode = taskEvents[event.type] else {
            throw PoisonMessage(reason: "the scheduler has no task handler for \(event.type)")
        }
        return try decode(event)
    }

    private static func change<Payload: EventPayload & VersionedTaskEvent>(
        _ type: Payload.Type, _ change: @escaping @Sendable (Payload) -> TaskView.Change
    ) -> @Sendable (IncomingEvent) throws -> TaskEvent {
        { event in
            let envelope = try event.decode(Payload.self)
            return .changed(
                .init(taskId: envelope.data.taskId, change: change(envelope.data), version: envelope.data.version, at: envelope.occurredAt))
        }
    }

    /// An admin's manual assignment: proposed at once when the employee can take it, otherwise
    /// refused with the reason (`assignment.refused`) — once this replica's view of the task is
    /// where the admin saw it; until then held on the view (`HeldAssignment`).
    func manual(_ event: EventEnvelope<AssignmentRequested>, on connection: PostgresConnection) async throws {
        let request = HeldAssignment(
            taskId: event.data.taskId, employeeId: event.data.employeeId, requestedBy: event.data.requestedBy,
            version: event.data.version, correlationId: event.correlationId, requestId: event.id
        )
        switch try await store.standing(of: request, on: connection) {
        case .due:
            try await carryOut([request], on: connection)
        case .held:
            logger.info(
                "manual assignment held until the task's view catches up",
                metadata: [
                    "task.id": "\(request.taskId)", "version": "\(request.version.map(String.init) ?? "-")",
                ])
        case .alreadyHeld:
            try await refuse(request, reason: "another manual assignment of the task is waiting", on: connection)
        }
    }

    /// Proposes each request's task to its employee, or publishes why not.
    func carryOut(_ requests: [HeldAssignment], on connection: PostgresConnection) async throws {
        guard !requests.isEmpty else { return }
        let intents = requests.map {
            SchedulerStore.Intent(
                taskId: $0.taskId, expectedVersion: nil, employeeId: $0.employeeId, requiredSkills: [], manual: true,
                correlationId: $0.correlationId, causationId: $0.requestId
            )
        }
        for (request, outcome) in zip(requests, try await store.propose(intents, on: connection)) {
            if case .failure(let refusal) = outcome { try await refuse(request, reason: refusal.reason, on: connection) }
        }
    }

    private func refuse(_ request: HeldAssignment, reason: String, on connection: PostgresConnection) async throws {
        logger.info("manual assignment refused", metadata: ["task.id": "\(request.taskId)", "reason": "\(reason)"])
        let refused = AssignmentRefused(
            taskId: request.taskId, employeeId: request.employeeId, requestedBy: request.requestedBy, reason: reason
        )
        try await store.outbox.append(
            EventEnvelope(source: "scheduler", correlationId: request.correlationId, causationId: request.requestId, data: refused),
            on: connection, logger: logger
        )
    }
}

/// A task event that names its task and the version it set.
protocol VersionedTaskEvent {
    var taskId: UUID { get }
    var version: Int { get }
}

extension TaskAssigned: VersionedTaskEvent {}
extension TaskAccepted: VersionedTaskEvent {}
extension TaskCompleted: VersionedTaskEvent {}
extension TaskFailed: VersionedTaskEvent {}
extension TaskRequeued: VersionedTaskEvent {}
extension TaskCancelled: VersionedTaskEvent {}
extension TaskEdited: VersionedTaskEvent {}
