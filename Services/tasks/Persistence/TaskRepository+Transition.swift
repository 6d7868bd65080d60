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

    /// Applies `action` to a task: read it, let `authorize` see it (and throw to refuse), apply the
    /// lifecycle, then write everything in **one statement** — the row updated only if its version
    /// did not change meanwhile, one audit row, the comment if any, and `events` into the outbox —
    /// which PostgreSQL runs atomically (no BEGIN/COMMIT round trips: two round trips in all).
    func transition(
        _ id: UUID, _ action: TaskLifecycle.Action, actor: UUID?, reason: String? = nil, expectedVersion: Int? = nil,
        comment: Comment? = nil,
        authorize: @Sendable (TaskRecord) throws -> Void = { _ in },
        events: @Sendable (Change) throws -> [EncodedEvent]
    ) async throws -> Change {
        try await client.withConnection { connection in
            try await transition(
                id, action, on: connection, actor: actor, reason: reason, expectedVersion: expectedVersion, comment: comment,
                authorize: authorize, events: events
            )
        }
    }

    /// The same on `connection`: inside a transaction the caller holds (an event handler's inbox
    /// transaction), or autocommitted statement by statement.
    func transition(
        _ id: UUID, _ action: TaskLifecycle.Action, on connection: PostgresConnection, actor: UUID?, reason: String? = nil,
        expectedVersion: Int? = nil, comment: Comment? = nil,
        authorize: @Sendable (TaskRecord) throws -> Void = { _ in },
        events: @Sendable (Change) throws -> [EncodedEvent]
    ) async throws -> Change {
        let rows = try await connection.rows(of: TaskByID(id), logger: logger)
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
        let change = Change(before: before, after: after, outcome: outcome)
        let encoded = try events(change)
        let status = after.status.rawValue
        let written = try await connection.rows(of: TransitionWrite(query: """
            WITH moved AS (
                UPDATE tasks.tasks SET status = \(status), assignee_id = \(after.assigneeId),
                    reservation_id = \(after.reservationId), attempt = \(after.attempt), progress = \(after.progress),
                    flagged = \(after.flagged), version = \(after.version), updated_at = tasks.to_ms(\(now)),
                    offer_expires_at = \(after.offerExpiresAt),
                    assigned_at = CASE WHEN \(status) = 'ASSIGNED' THEN \(now) ELSE assigned_at END,
                    accepted_at = CASE WHEN \(status) = 'IN_PROGRESS' AND status = 'ASSIGNED' THEN \(now) ELSE accepted_at END,
                    completed_at = CASE WHEN \(status) = 'COMPLETED' THEN \(now) ELSE completed_at END,
                    failed_at = CASE WHEN \(status) = 'FAILED' THEN \(now) ELSE failed_at END,
                    cancelled_at = CASE WHEN \(status) = 'CANCELLED' THEN \(now) ELSE cancelled_at END
                WHERE id = \(id) AND version = \(before.version)
                RETURNING id
            ), audited AS (
                INSERT INTO tasks.audit (task_id, actor_id, action, from_status, to_status, reason, assignee_id)
                SELECT id, \(actor), \(action.name), \(before.status.rawValue), \(status), \(reason),
                       \(after.assigneeId ?? before.assigneeId) FROM moved
            ), commented AS (
                INSERT INTO tasks.comments (id, task_id, author_id, message, created_at)
                SELECT \(comment?.id), id, \(comment?.authorId), \(comment?.message), \(comment?.createdAt)
                FROM moved WHERE \(comment?.id)::uuid IS NOT NULL
            ), published AS (
                INSERT INTO tasks.outbox (event_id, event_type, body)
                SELECT event.id, event.type, event.body FROM moved,
                    unnest(\(encoded.map(\.id))::uuid[], \(encoded.map(\.type))::text[], \(encoded.map(\.body))::text[])
                    WITH ORDINALITY AS event(id, type, body, n)
                ORDER BY event.n
            )
            SELECT count(*)::int FROM moved
            """), logger: logger)
        guard try written.first?.decode(Int.self) == 1 else {
            // Someone else changed the task between our read and our write: nothing was written.
            let current = try await connection.query(
                "SELECT status, version FROM tasks.tasks WHERE id = \(id)", logger: logger
            ).collect().first?.decode((String, Int).self)
            throw TransitionFailure.conflict(
                current: current.flatMap { TaskStatus(rawValue: $0.0) } ?? before.status, version: current?.1 ?? before.version
            )
        }
        outbox.written()
        return change
    }
}

/// The task by its id, on every transition and every read of one task.
struct TaskByID: PreparedSQL {
    let query: PostgresQuery
    init(_ id: UUID) { query = "SELECT \(unescaped: TaskRepository.columns) FROM tasks.tasks WHERE id = \(id)" }
}

/// A transition's one statement: the row if its version did not move, the audit row, the
/// comment if any, the events.
struct TransitionWrite: PreparedSQL {
    let query: PostgresQuery
}
