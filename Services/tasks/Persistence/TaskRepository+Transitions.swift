import EventBackbone
import EventContracts
import Foundation
import Persistence
import PostgresNIO

extension TaskRepository {
    /// One of a set of transitions made together (`transitions(_:on:)`): no edit, no comment,
    /// made by the system (the audit names no actor).
    struct PlannedTransition: Sendable {
        let id: UUID
        let action: TaskLifecycle.Action
        let reason: String
        let expectedVersion: Int?
        /// The message it answers, claimed in `tasks.inbox` with it when the set is made with a claim.
        var message: UUID? = nil
        let events: @Sendable (TaskChange) throws -> [EncodedEvent]
    }

    /// Makes many transitions in **one statement**, on `connection`: inside the caller's
    /// transaction (an event handler's: a batch of the scheduler's proposals), or autocommitted
    /// with `claim` (below). Each is worked
    /// out from the task as this process last committed it, or — for tasks it has no hint of —
    /// as one read of them all finds it, and written only if the row is still at that version,
    /// with its audit row and its events, as `transition` writes one.
    ///
    /// Returns, for each planned transition in order, the change written, or nil for one this
    /// statement did not make: refused by the rules or by `expectedVersion`, overtaken since the
    /// hint, a second transition of the same task, an unknown task. The caller takes those the
    /// usual way (`transition`), one at a time after this, which decides each from the row as
    /// it is then — so a nil is never a decision, only a transition left to the slower path.
    ///
    /// With `claim` (the consumer's first try of a batch, `EventHandlers.firstTryTogether`) the
    /// statement also inserts the `message` of every transition it makes into `tasks.inbox` —
    /// plainly: one claimed before fails the whole statement, and nothing is written.
    func transitions(
        _ planned: [PlannedTransition], claim: InboxClaim? = nil, on connection: PostgresConnection
    ) async throws -> [TaskChange?] {
        precondition(
            planned.allSatisfy { if case .edit = $0.action { false } else { true } }, "an edit is not made in a set")
        precondition(
            claim.map { $0.inbox == "tasks.inbox" && planned.allSatisfy { $0.message != nil } } ?? true,
            "a set claims its messages in tasks' inbox")
        var starts = planned.map { recent.hint($0.id) }
        let hinted = starts.map { $0 != nil }
        let unknown = Set(zip(planned, starts).filter { $0.1 == nil }.map(\.0.id))
        if !unknown.isEmpty {
            let rows = try await connection.rows(of: TasksByIDs(Array(unknown)), logger: logger)
            let read = Dictionary(try rows.map(Self.task).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            starts = zip(planned, starts).map { transition, hint in hint ?? read[transition.id] }
        }

        // Work each out; what the rules refuse is left to the usual path, which decides it anew.
        var changes: [TaskChange?] = []
        var seen: Set<UUID> = []
        let now = Date.nowToTheMillisecond
        for (transition, start) in zip(planned, starts) {
            guard let before = start, seen.insert(before.id).inserted,
                transition.expectedVersion.map({ $0 == before.version }) ?? true,
                let applied = try? TaskLifecycle.apply(transition.action, to: before.lifecycle)
            else {
                changes.append(nil)
                continue
            }
            changes.append(TaskChange(before: before, after: before.with(applied.0, at: now), outcome: applied.1))
        }
        let made = zip(planned, changes).compactMap { transition, change in change.map { (transition, $0) } }
        guard !made.isEmpty else { return changes }

        var events: [(task: UUID, event: EncodedEvent)] = []
        for (transition, change) in made { events += try transition.events(change).map { (change.after.id, $0) } }
        let moved = try await write(made, events: events, claim: claim, on: connection)

        for (index, change) in changes.enumerated() {
            guard let change else { continue }
            let written = moved.contains(change.after.id)
            if hinted[index] { recent.count(hit: written) }
            if written {
                let action = planned[index].action
                AfterCommit.perform { [recent] in
                    recent.committed(change.after)
                    TaskFlowMetrics.committed(action, change)
                }
            } else {
                changes[index] = nil
            }
        }
        return changes
    }

    /// The one statement of a set of transitions: each row updated if it is still at the version
    /// its change was worked out from, an audit row for each updated, the events of those in
    /// order. Returns the ids of the rows it updated; hands their events to the relay.
    private func write(
        _ made: [(PlannedTransition, TaskChange)], events: [(task: UUID, event: EncodedEvent)], claim: InboxClaim?,
        on connection: PostgresConnection
    ) async throws -> Set<UUID> {
        let changes = made.map(\.1)
        let before = changes.map(\.before)
        let after = changes.map(\.after)
        // Arrays cannot carry a null: an absent id travels as '', an absent time as a flag.
        func text(_ id: UUID?) -> String { id?.uuidString ?? "" }
        let rows = try await connection.rows(
            of: TransitionsWrite(
                query: """
                    WITH planned AS (
                        SELECT * FROM unnest(
                            \(after.map(\.id))::uuid[], \(before.map(\.version))::bigint[], \(before.map(\.status.rawValue))::text[],
                            \(after.map(\.status.rawValue))::text[], \(after.map { text($0.assigneeId) })::text[],
                            \(after.map { text($0.reservationId) })::text[], \(after.map(\.attempt))::bigint[],
                            \(after.map(\.progress))::bigint[], \(after.map(\.flagged))::boolean[], \(after.map(\.version))::bigint[],
                            \(after.map(\.updatedAt))::timestamptz[], \(after.map { $0.offerExpiresAt != nil })::boolean[],
                            \(after.map { $0.offerExpiresAt ?? $0.updatedAt })::timestamptz[],
                            \(made.map(\.0.action.name))::text[], \(made.map(\.0.reason))::text[],
                            \(changes.map { text($0.after.assigneeId ?? $0.before.assigneeId) })::text[],
                            \(made.map { text($0.0.message) })::text[]
                        ) AS p(id, from_version, from_status, status, assignee, reservation, attempt, progress, flagged, version,
                               at, expires, expires_at, action, reason, audit_assignee, message)
                    ), moved AS (
                        UPDATE tasks.tasks t SET status = p.status, assignee_id = nullif(p.assignee, '')::uuid,
                            reservation_id = nullif(p.reservation, '')::uuid, attempt = p.attempt, progress = p.progress,
                            flagged = p.flagged, version = p.version, updated_at = tasks.to_ms(p.at),
                            offer_expires_at = CASE WHEN p.expires THEN p.expires_at END,
                            assigned_at = CASE WHEN p.status = 'ASSIGNED' THEN p.at ELSE t.assigned_at END,
                            accepted_at = CASE WHEN p.status = 'IN_PROGRESS' AND t.status = 'ASSIGNED' THEN p.at ELSE t.accepted_at END,
                            completed_at = CASE WHEN p.status = 'COMPLETED' THEN p.at ELSE t.completed_at END,
                            failed_at = CASE WHEN p.status = 'FAILED' THEN p.at ELSE t.failed_at END,
                            cancelled_at = CASE WHEN p.status = 'CANCELLED' THEN p.at ELSE t.cancelled_at END
                        FROM planned p WHERE t.id = p.id AND t.version = p.from_version
                        RETURNING t.id
                    ), claimed AS (
                        INSERT INTO tasks.inbox (queue, message_id)
                        SELECT \(claim?.queue), nullif(p.message, '')::uuid FROM planned p JOIN moved USING (id)
                        WHERE \(claim?.queue)::text IS NOT NULL
                    ), audited AS (
                        INSERT INTO tasks.audit (task_id, actor_id, action, from_status, to_status, reason, assignee_id)
                        SELECT p.id, NULL, p.action, p.from_status, p.status, p.reason, nullif(p.audit_assignee, '')::uuid
                        FROM planned p JOIN moved USING (id)
                    ), published AS (
                        INSERT INTO tasks.outbox (event_id, event_type, body, traceparent)
                        SELECT event.id, event.type, event.body, NULLIF(event.traceparent, '')
                        FROM unnest(\(events.map(\.task))::uuid[], \(events.map(\.event.id))::uuid[], \(events.map(\.event.type))::text[],
                                \(events.map(\.event.body))::text[], \(events.map(\.event.traceparentText))::text[])
                            WITH ORDINALITY AS event(task, id, type, body, traceparent, n)
                            JOIN moved ON moved.id = event.task
                        ORDER BY event.n
                        RETURNING event_id, position
                    )
                    SELECT (SELECT array_agg(id) FROM moved), (SELECT array_agg(event_id ORDER BY position) FROM published),
                        (SELECT array_agg(position ORDER BY position) FROM published)
                    """), logger: logger)
        guard let row = rows.first else { return [] }
        let (moved, ids, positions) = try row.decode(([UUID]?, [UUID]?, [Int64]?).self)
        outbox.written(events.map(\.event), positions: Dictionary(zip(ids ?? [], positions ?? []), uniquingKeysWith: { first, _ in first }))
        return Set(moved ?? [])
    }
}

/// The tasks with these ids, in one read.
struct TasksByIDs: PreparedSQL {
    let query: PostgresQuery
    init(_ ids: [UUID]) { query = "SELECT \(unescaped: TaskRepository.columns) FROM tasks.tasks WHERE id = ANY(\(ids)::uuid[])" }
}

/// A set of transitions' one statement: the rows still at their versions, an audit row each,
/// their events.
struct TransitionsWrite: PreparedSQL {
    let query: PostgresQuery
}
