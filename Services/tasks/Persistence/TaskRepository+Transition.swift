import EventBackbone
import EventContracts
import Foundation
import Persistence
import PostgresNIO

extension TaskRepository {
    /// Applies `action` to a task: take it as this process last committed it (`RecentTasks`) or
    /// read it, let `authorize` see it (and throw to refuse), apply the lifecycle, then write
    /// everything in **one statement** — the row updated only if its version did not change
    /// meanwhile, one audit row, the comment if any, and `events` into the outbox — which
    /// PostgreSQL runs atomically (no BEGIN/COMMIT round trips). From a hint that is one round
    /// trip; otherwise, or when the hint was overtaken, two.
    func transition(
        _ id: UUID, _ action: TaskLifecycle.Action, actor: UUID?, reason: String? = nil, expectedVersion: Int? = nil,
        comment: Comment? = nil,
        authorize: @Sendable (TaskRecord) throws -> Void = { _ in },
        events: @Sendable (TaskChange) throws -> [EncodedEvent]
    ) async throws -> TaskChange {
        try await client.withConnection { connection in
            try await transition(
                id, action, on: connection, actor: actor, reason: reason, expectedVersion: expectedVersion, comment: comment,
                hint: recent.hint(id), authorize: authorize, events: events
            )
        }
    }

    /// The same on `connection`: inside a transaction the caller holds (an event handler's inbox
    /// transaction, begun with `PostgresClient.transaction`), or autocommitted statement by
    /// statement. Starts from `hint` when given. The task as written becomes the next hint once
    /// it is committed — at once when autocommitted, after the caller's transaction commits
    /// otherwise, never if that rolls back (`AfterCommit`; see `RecentTasks`).
    ///
    /// With `claim` (an event handler's first try, `EventHandlers.firstTry`), the statement also
    /// records the message in `tasks.inbox`, and moves nothing when it is there already: the
    /// transition and its claim commit together or not at all.
    func transition(
        _ id: UUID, _ action: TaskLifecycle.Action, on connection: PostgresConnection, actor: UUID?, reason: String? = nil,
        expectedVersion: Int? = nil, comment: Comment? = nil, hint: TaskRecord? = nil, claim: InboxClaim? = nil,
        authorize: @Sendable (TaskRecord) throws -> Void = { _ in },
        events: @Sendable (TaskChange) throws -> [EncodedEvent]
    ) async throws -> TaskChange {
        precondition(
            claim.map { $0.inbox == "tasks.inbox" && $0.ids.count == 1 } ?? true, "a transition claims one message of tasks' inbox")
        let change = try await decide(
            id, action, on: connection, actor: actor, reason: reason, expectedVersion: expectedVersion, comment: comment,
            hint: hint, claim: claim, authorize: authorize, events: events
        )
        AfterCommit.perform { [recent] in
            recent.committed(change.after)
            TaskFlowMetrics.committed(action, change)
        }
        return change
    }

    /// Works the transition out — from the hint, or from a read — and writes it.
    private func decide(
        _ id: UUID, _ action: TaskLifecycle.Action, on connection: PostgresConnection, actor: UUID?, reason: String?,
        expectedVersion: Int?, comment: Comment?, hint: TaskRecord?, claim: InboxClaim?,
        authorize: @Sendable (TaskRecord) throws -> Void,
        events: @Sendable (TaskChange) throws -> [EncodedEvent]
    ) async throws -> TaskChange {
        func attempt(from before: TaskRecord) async throws -> Attempt {
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
            let change = TaskChange(
                before: before, after: before.with(next, at: Date.nowToTheMillisecond).edited(by: action), outcome: outcome)
            return try await write(
                change, action, on: connection, actor: actor, reason: reason, comment: comment, claim: claim, events: try events(change)
            )
        }

        /// The change, or the conflict a lost race is — with the row as it is now.
        func settle(_ attempt: Attempt, from before: TaskRecord) async throws -> TaskChange {
            switch attempt {
            case .written(let change):
                return change
            case .overtaken(let current?) where current.version != before.version:
                throw TransitionFailure.conflict(current: current.status, version: current.version)
            case .overtaken:
                // Moved after the statement began (or gone): read where it is now.
                let now = try await connection.query(
                    "SELECT status, version FROM tasks.tasks WHERE id = \(id)", logger: logger
                ).collect().first?.decode((String, Int).self)
                guard let now else { throw TransitionFailure.notFound }
                throw TransitionFailure.conflict(current: TaskStatus(rawValue: now.0) ?? before.status, version: now.1)
            }
        }

        if let hint {
            // Whatever the hint says — a refusal too — is final only if the row is still at its version.
            switch try? await attempt(from: hint) {
            case .written(let change)?:
                recent.count(hit: true)
                return change
            case .overtaken(let current?)? where current.version != hint.version:
                // The statement found the row as it is now: decide from that.
                recent.count(hit: false)
                return try await settle(attempt(from: current), from: current)
            default:
                recent.count(hit: false)
            }
        }
        let rows = try await connection.rows(of: TaskByID(id), logger: logger)
        guard let before = try rows.first.map(Self.task) else { throw TransitionFailure.notFound }
        return try await settle(attempt(from: before), from: before)
    }

    /// What became of a write: made, or not because the row is no longer at the version the
    /// change was worked out from — then the row as the statement found it (nil: no such task).
    private enum Attempt {
        case written(TaskChange)
        case overtaken(TaskRecord?)
    }

    /// The one statement of a transition; it also returns the row as the statement found it, for
    /// a write that did not happen.
    private func write(
        _ change: TaskChange, _ action: TaskLifecycle.Action, on connection: PostgresConnection, actor: UUID?, reason: String?,
        comment: Comment?, claim: InboxClaim?, events encoded: [EncodedEvent]
    ) async throws -> Attempt {
        let (before, after) = (change.before, change.after)
        let (claimQueue, claimId) = (claim?.queue, claim?.ids.first)
        let id = before.id
        let now = after.updatedAt
        let status = after.status.rawValue
        // The details only an edit sets: NULL (kept as they are) for every other transition, so
        // a lifecycle step does not carry the description to the database and back. Not the
        // priority: a NULL parameter is prepared with the type PostgreSQL infers (int4 here), and
        // a later edit's Int is sent as int8 — the connection's statement would refuse it.
        // Written always, it is the task's own (the write is made only at the version read).
        let edit: TaskRecord? = if case .edit = action { after } else { nil }
        let (dueSet, due) = (edit.map { $0.dueAt != before.dueAt } ?? false, edit?.dueAt)
        let written = try await connection.rows(
            of: TransitionWrite(
                query: """
                    WITH moved AS (
                        UPDATE tasks.tasks SET status = \(status), assignee_id = \(after.assigneeId),
                            reservation_id = \(after.reservationId), attempt = \(after.attempt), progress = \(after.progress),
                            flagged = \(after.flagged), version = \(after.version), updated_at = tasks.to_ms(\(now)),
                            offer_expires_at = \(after.offerExpiresAt),
                            priority = \(after.priority), description = coalesce(\(edit?.description), description),
                            required_skills = coalesce(\(edit?.requiredSkills), required_skills),
                            due_at = CASE WHEN \(dueSet) THEN \(due) ELSE due_at END,
                            -- a new due time is reported overdue again when it passes
                            overdue_published = overdue_published AND NOT \(dueSet),
                            assigned_at = CASE WHEN \(status) = 'ASSIGNED' THEN \(now) ELSE assigned_at END,
                            accepted_at = CASE WHEN \(status) = 'IN_PROGRESS' AND status = 'ASSIGNED' THEN \(now) ELSE accepted_at END,
                            completed_at = CASE WHEN \(status) = 'COMPLETED' THEN \(now) ELSE completed_at END,
                            failed_at = CASE WHEN \(status) = 'FAILED' THEN \(now) ELSE failed_at END,
                            cancelled_at = CASE WHEN \(status) = 'CANCELLED' THEN \(now) ELSE cancelled_at END
                        WHERE id = \(id) AND version = \(before.version) AND (\(claimQueue)::text IS NULL OR NOT EXISTS (
                            SELECT 1 FROM tasks.inbox WHERE queue = \(claimQueue) AND message_id = \(claimId)))
                        RETURNING id
                    ), claimed AS (
                        INSERT INTO tasks.inbox (queue, message_id) SELECT \(claimQueue), \(claimId) FROM moved WHERE \(claimQueue)::text IS NOT NULL
                    ), audited AS (
                        INSERT INTO tasks.audit (task_id, actor_id, action, from_status, to_status, reason, assignee_id)
                        SELECT id, \(actor), \(action.name), \(before.status.rawValue), \(status), \(reason),
                               \(after.assigneeId ?? before.assigneeId) FROM moved
                    ), commented AS (
                        INSERT INTO tasks.comments (id, task_id, author_id, message, created_at)
                        SELECT \(comment?.id), id, \(comment?.authorId), \(comment?.message), \(comment?.createdAt)
                        FROM moved WHERE \(comment?.id)::uuid IS NOT NULL
                    ), published AS (
                        INSERT INTO tasks.outbox (event_id, event_type, body, traceparent)
                        SELECT event.id, event.type, event.body, NULLIF(event.traceparent, '') FROM moved,
                            unnest(\(encoded.map(\.id))::uuid[], \(encoded.map(\.type))::text[], \(encoded.map(\.body))::text[],
                                   \(encoded.map(\.traceparentText))::text[])
                            WITH ORDINALITY AS event(id, type, body, traceparent, n)
                        ORDER BY event.n
                        RETURNING event_id, position
                    )
                    SELECT (SELECT count(*)::int FROM moved), \(unescaped: Self.columns),
                        (SELECT array_agg(event_id ORDER BY position) FROM published), (SELECT array_agg(position ORDER BY position) FROM published)
                    FROM tasks.tasks WHERE id = \(id)
                    """), logger: logger)
        guard let row = written.first else { return .overtaken(nil) }
        let columns = row.makeRandomAccess()
        guard try columns[0].decode(Int.self) == 1 else {
            // The row moved on between the read (or the hint) and this write: nothing was written.
            return .overtaken(try Self.task(row, from: 1))
        }
        let (ids, positions) = try (columns[columns.count - 2].decode([UUID]?.self), columns[columns.count - 1].decode([Int64]?.self))
        outbox.written(encoded, positions: Dictionary(zip(ids ?? [], positions ?? []), uniquingKeysWith: { first, _ in first }))
        return .written(change)
    }
}

/// The task by its id, on every transition and every read of one task.
struct TaskByID: PreparedSQL {
    let query: PostgresQuery
    init(_ id: UUID) { query = "SELECT \(unescaped: TaskRepository.columns) FROM tasks.tasks WHERE id = \(id)" }
}

/// A transition's one statement: the row if its version did not move, the message's inbox row
/// if it claims one, the audit row, the comment if any, the events.
struct TransitionWrite: PreparedSQL {
    let query: PostgresQuery
}
