import EventBackbone
import EventContracts
import Foundation
import Logging
import PostgresNIO

/// What tasks does with the scheduler's events. tasks is the authority: a proposal or an expiry
/// made for a version the task has moved past is refused or ignored, never applied.
struct TaskEventHandlers: Sendable {
    let tasks: TaskRepository
    let logger: Logger

    var handlers: EventHandlers {
        var handlers = EventHandlers()
        // Proposals that arrive together become offers in one statement.
        handlers.onBatch([AssignmentProposed.eventType]) { events, connection in
            try await offer(try events.map { try $0.decode(AssignmentProposed.self) }, on: connection)
        }
        // A batch of only proposals: in one statement that also claims those it offers; the
        // rest (refused, overtaken) go the usual way after it.
        handlers.firstTryTogether(AssignmentProposed.eventType) { claim, events, connection in
            let proposals = try events.map { try $0.decode(AssignmentProposed.self) }
            let made = try await tasks.transitions(planned(proposals), claim: claim, on: connection)
            return Set(zip(proposals, made).compactMap { proposal, change in change.map { _ in proposal.id } })
        }
        // A proposal arriving alone becomes the offer in one statement that also claims it; one
        // that is refused (or a duplicate) goes the usual way, which publishes the refusal.
        handlers.firstTry(AssignmentProposed.self) { event, claim, connection in
            do {
                try await offer(event, on: connection, claim: claim)
                return .handled
            } catch is TransitionFailure {
                return .declined
            }
        }
        handlers.on(ReservationExpired.self) { try await expired($0, $1) }
        handlers.on(EmployeeGone.self) { try await gone($0, $1) }
        return handlers
    }

    func events(for envelope: EventEnvelope<some EventPayload>) -> TaskEvents {
        TaskEvents(correlationId: envelope.correlationId, causationId: envelope.id)
    }

    /// The offer a proposal asks for. It lapses when the scheduler withdraws it; the employee's
    /// card counts down to it.
    func assignment(_ proposal: AssignmentProposed) -> TaskLifecycle.Action {
        let expiresAt = proposal.reservationSeconds.map { Date.nowToTheMillisecond.addingTimeInterval($0) }
        return .assign(employeeId: proposal.employeeId, reservationId: proposal.reservationId, expiresAt: expiresAt)
    }

    /// The proposal becomes the offer (`claim`: in the statement that also claims the message).
    func offer(_ event: EventEnvelope<AssignmentProposed>, on connection: PostgresConnection, claim: InboxClaim? = nil) async throws {
        let proposal = event.data
        let events = events(for: event)
        _ = try await tasks.transition(
            proposal.taskId, assignment(proposal), on: connection, actor: nil, reason: Self.proposedReason,
            expectedVersion: proposal.expectedVersion, hint: tasks.recent.hint(proposal.taskId), claim: claim
        ) { change in try events.assigned(change) }
    }

    static let proposedReason = "proposed by the scheduler"

    /// Proposals delivered together become offers in one statement (`TaskRepository.transitions`);
    /// any it leaves — refused, overtaken — go the usual way after it, one at a time, which
    /// offers or refuses each from the row as it is then.
    func offer(_ proposals: [EventEnvelope<AssignmentProposed>], on connection: PostgresConnection) async throws {
        guard proposals.count > 1 else {
            for proposal in proposals { try await proposed(proposal, connection) }
            return
        }
        let made = try await tasks.transitions(planned(proposals), on: connection)
        for (proposal, change) in zip(proposals, made) where change == nil { try await proposed(proposal, connection) }
    }

    /// The offers `proposals` ask for, as a set of transitions, each naming its message.
    func planned(_ proposals: [EventEnvelope<AssignmentProposed>]) -> [TaskRepository.PlannedTransition] {
        proposals.map { event in
            let events = events(for: event)
            return TaskRepository.PlannedTransition(
                id: event.data.taskId, action: assignment(event.data), reason: Self.proposedReason,
                expectedVersion: event.data.expectedVersion, message: event.id
            ) { change in try events.assigned(change) }
        }
    }

    /// Offer the task, or tell the scheduler it is no longer there to be offered.
    func proposed(_ event: EventEnvelope<AssignmentProposed>, _ connection: PostgresConnection) async throws {
        let proposal = event.data
        let events = events(for: event)
        do {
            try await offer(event, on: connection)
        } catch let failure as TransitionFailure {
            let (version, reason): (Int, String) =
                switch failure {
                case .notFound: (0, "unknown_task")
                case .conflict(let status, let version), .stale(let status, let version):
                    (version, "task is \(status.rawValue) at version \(version)")
                }
            let rejected = TaskAssignmentRejected(
                taskId: proposal.taskId, version: version, assigneeId: nil, employeeId: proposal.employeeId,
                reservationId: proposal.reservationId, reason: reason
            )
            try await tasks.outbox.append([try events.envelope(rejected)], on: connection, logger: logger)
        }
    }

    /// Requeue the offer if it is still the one that expired; otherwise nothing happened.
    func expired(_ event: EventEnvelope<ReservationExpired>, _ connection: PostgresConnection) async throws {
        let expiry = event.data
        let events = events(for: event)
        do {
            _ = try await tasks.transition(
                expiry.taskId, .requeue(.reservationExpired), on: connection, actor: nil, reason: "reservation expired",
                expectedVersion: expiry.expectedVersion, hint: tasks.recent.hint(expiry.taskId),
                authorize: { task in
                    guard task.reservationId == expiry.reservationId else {
                        throw TransitionFailure.stale(current: task.status, version: task.version)
                    }
                }
            ) { change in try events.requeued(change, reason: .reservationExpired) }
        } catch is TransitionFailure {
            logger.debug("reservation expiry for a task that moved on", metadata: ["task.id": "\(expiry.taskId)"])
        }
    }

    /// The employee is gone: unaccepted offers go back at once, work in progress is flagged (and
    /// requeued by the sweeper if nobody touches it for the flagged timeout).
    func gone(_ event: EventEnvelope<EmployeeGone>, _ connection: PostgresConnection) async throws {
        let events = events(for: event)
        let rows = try await connection.query(
            """
            SELECT id, status, version FROM tasks.tasks
            WHERE assignee_id = \(event.data.employeeId) AND status IN ('ASSIGNED', 'IN_PROGRESS')
            """,
            logger: logger
        ).collect()
        for row in rows {
            let (id, status, version) = try row.decode((UUID, String, Int).self)
            do {
                if status == TaskStatus.assigned.rawValue {
                    _ = try await tasks.transition(
                        id, .requeue(.employeeGone), on: connection, actor: nil, reason: "employee gone", expectedVersion: version
                    ) { change in try events.requeued(change, reason: .employeeGone) }
                } else {
                    _ = try await tasks.transition(
                        id, .flag, on: connection, actor: nil, reason: "employee gone", expectedVersion: version
                    ) { change in try events.flagged(change, reason: "employee_gone") }
                }
            } catch is TransitionFailure {
                continue
            }
        }
    }
}
