import EventBackbone
import EventContracts
import Foundation
import Persistence
import PostgresNIO

extension TaskRepository {
    /// A transition that happened: the task before and after, and what it meant.
    struct Change: Sendable {
        let before: TaskRecord
        let after: TaskRecord
        let outcome: TaskLifecycle.Outcome
    }

    enum TransitionFailure: Error, Equatable {
        case notFound
        /// The lifecycle does not allow the action now, or the task moved on meanwhile.
        case conflict(current: TaskStatus, version: Int)
        /// `expectedVersion` was given and the task is no longer at it (events from the past).
        case stale(current: TaskStatus, version: Int)
    }

    /// Applies `action` to a task in one transaction: `authorize` sees the current task (and
    /// throws to refuse), the row is updated only if its version did not change meanwhile, one
    /// audit row is written, `also` adds anything else (a comment), and `events` go to the outbox.
    func transition(
        _ id: UUID, _ action: TaskLifecycle.Action, actor: UUID?, reason: String? = nil, expectedVersion: Int? = nil,
        authorize: @Sendable (TaskRecord) throws -> Void = { _ in },
        also: @Sendable (Change, PostgresConnection) async throws -> Void = { _, _ in },
        events: @Sendable (Change) throws -> [EncodedEvent]
    ) async throws -> Change {
        try await client.transaction(logger: logger) { connection in
            try await transition(
                id, action, on: connection, actor: actor, reason: reason, expectedVersion: expectedVersion,
                authorize: authorize, also: also, events: events
            )
        }
    }

    /// The same, inside a transaction the caller holds (an event handler's inbox transaction).
    func transition(
        _ id: UUID, _ action: TaskLifecycle.Action, on connection: PostgresConnection, actor: UUID?, reason: String? = nil,
        expectedVersion: Int? = nil,
        authorize: @Sendable (TaskRecord) throws -> Void = { _ in },
        also: @Sendable (Change, PostgresConnection) async throws -> Void = { _, _ in },
        events: @Sendable (Change) throws -> [EncodedEvent]
    ) async throws -> Change {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.columns) FROM tasks.tasks WHERE id = \(id)", logger: logger
        ).collect()
        guard let before = try rows.first.map(Self.task) else { throw TransitionFailure.notFound }
        try authorize(before)
        if let expectedVersion, expectedVersion != before.version {
            throw TransitionFailure.stale(current: before.status, version: before.version)
        }
        let next: TaskLifecycle.State
        let outcome: TaskLifecycle.Outcome
        do {
            (next, outcome) = try TaskLifecycle.apply(action, to: before.lifecycle)
        } catch {
            throw TransitionFailure.conflict(current: before.status, version: before.version)
        }
        let now = Date.nowToTheMillisecond
        let after = before.with(next, at: now)
        let updated = try await connection.query(
            """
            UPDATE tasks.tasks SET status = \(after.status.rawValue), assignee_id = \(after.assigneeId),
                reservation_id = \(after.reservationId), attempt = \(after.attempt), progress = \(after.progress),
                flagged = \(after.flagged), version = \(after.version), updated_at = tasks.to_ms(\(now)),
                offer_expires_at = \(after.offerExpiresAt),
                assigned_at = CASE WHEN \(after.status.rawValue) = 'ASSIGNED' THEN \(now) ELSE assigned_at END,
                accepted_at = CASE WHEN \(after.status.rawValue) = 'IN_PROGRESS' AND status = 'ASSIGNED' THEN \(now) ELSE accepted_at END,
                completed_at = CASE WHEN \(after.status.rawValue) = 'COMPLETED' THEN \(now) ELSE completed_at END,
                failed_at = CASE WHEN \(after.status.rawValue) = 'FAILED' THEN \(now) ELSE failed_at END,
                cancelled_at = CASE WHEN \(after.status.rawValue) = 'CANCELLED' THEN \(now) ELSE cancelled_at END
            WHERE id = \(id) AND version = \(before.version)
            RETURNING status
            """,
            logger: logger
        ).collect()
        guard !updated.isEmpty else {
            // Someone else changed the task between our read and our write.
            let current = try await connection.query(
                "SELECT status, version FROM tasks.tasks WHERE id = \(id)", logger: logger
            ).collect().first?.decode((String, Int).self)
            throw TransitionFailure.conflict(
                current: current.flatMap { TaskStatus(rawValue: $0.0) } ?? before.status, version: current?.1 ?? before.version
            )
        }
        let change = Change(before: before, after: after, outcome: outcome)
        try await audit(
            id, actor: actor, action: action.name, from: before.status, to: after.status, reason: reason,
            assignee: after.assigneeId ?? before.assigneeId, on: connection
        )
        try await also(change, connection)
        try await outbox.append(try events(change), on: connection, logger: logger)
        return change
    }
}
