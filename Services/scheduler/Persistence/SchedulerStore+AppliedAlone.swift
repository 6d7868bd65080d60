import EventBackbone
import Foundation
import Persistence
import PostgresNIO

/// A later `task.*` event that arrives alone, as the consumer's first try
/// (`EventHandlers.firstTry`; docs/scheduling.md, "What it knows"): the view read without a
/// lock, the event folded over it in memory (`TaskViewFold`, as the usual way folds a batch),
/// and the result written with the message's claim in one autocommitted statement — only while
/// the row is still the version that was read. Two round trips instead of the usual five
/// (BEGIN, the claim, the locked read, the write, COMMIT), each an idle process woken at low rates.
extension SchedulerStore {
    /// A view as read for a first try, with the row version it was read at (its `xmin`, which
    /// every write of the row moves, whoever makes it).
    struct ReadView: Sendable, Equatable {
        let view: TaskView
        let rowVersion: String
    }

    /// Folds `event` over the task's view and writes it with `claim` in one statement. Returns
    /// false, having written nothing, when the usual transaction must decide: no view yet (the
    /// event came before the creation), a manual assignment waits on the view, the event changes
    /// nothing (an older version), or the row moved between the read and the write. A message
    /// claimed before fails the statement, effect and all.
    func appliedAlone(_ event: TaskViewFold.Event, claim: InboxClaim, on connection: PostgresConnection) async throws -> Bool {
        guard let read = try await readAlone(event.taskId, on: connection) else { return false }
        return try await writeAlone(event, over: read, claim: claim, on: connection)
    }

    /// The view of `taskId` unless there is none or a manual assignment waits on it.
    func readAlone(_ taskId: UUID, on connection: PostgresConnection) async throws -> ReadView? {
        let rows = try await connection.rows(
            of: ReadAlone(
                query: """
                    SELECT xmin::text, stage, version, last_event, assignee_id, reservation_id, avoid_employee_id, not_before, avoid_until
                    FROM scheduler.tasks WHERE id = \(taskId) AND held_assignment IS NULL
                    """), logger: logger)
        guard let row = rows.first else { return nil }
        let (rowVersion, stage, version, lastEvent, assignee, reservation, avoid, notBefore, avoidUntil) =
            try row.decode((String, String, Int, String, UUID?, UUID?, UUID?, Date?, Date?).self)
        return ReadView(
            view: Self.storedView(stage, version, lastEvent, assignee, reservation, avoid, notBefore, avoidUntil), rowVersion: rowVersion)
    }

    /// Writes `event` folded over `read`, with its claim and the assignee's latest offer, if the
    /// row is still at `read.rowVersion` and no manual assignment has come to wait on it.
    func writeAlone(
        _ event: TaskViewFold.Event, over read: ReadView, claim: InboxClaim, on connection: PostgresConnection
    ) async throws
        -> Bool
    {
        precondition(claim.inbox == "scheduler.inbox" && claim.ids.count == 1, "one message of the scheduler's inbox")
        let fold = TaskViewFold([event], stored: [event.taskId: read.view])
        guard let written = fold.written[event.taskId] else { return false }
        let view = written.view
        let offer = fold.offeredAt.first
        let edit = written.edit
        let rows = try await connection.rows(
            of: WriteAlone(
                query: """
                    WITH written AS (
                        UPDATE scheduler.tasks AS t SET stage = \(view.stage.rawValue), version = \(view.version),
                            last_event = \(view.lastEvent), assignee_id = \(view.assigneeId), reservation_id = \(view.reservationId),
                            reserved_at = \(written.reservedAt), expiry_sent = false, avoid_employee_id = \(view.avoidEmployeeId),
                            not_before = \(view.notBefore), avoid_until = \(view.avoidUntil), updated_at = now(),
                            -- an edit's details, when it is newer than the view's (as the usual write)
                            priority = CASE WHEN \(edit?.version ?? 0) > t.edited_version THEN \(edit?.priority)::int ELSE t.priority END,
                            required_skills = CASE WHEN \(edit?.version ?? 0) > t.edited_version THEN \(edit?.requiredSkills)::text[]
                                ELSE t.required_skills END,
                            edited_version = greatest(t.edited_version, \(edit?.version ?? 0))
                        WHERE t.id = \(event.taskId) AND t.xmin = \(read.rowVersion)::xid AND t.held_assignment IS NULL
                        RETURNING t.id
                    ), offered AS (
                        UPDATE scheduler.employees e SET last_assigned_at = \(offer?.value)
                        FROM written
                        WHERE e.id = \(offer?.key) AND (e.last_assigned_at IS NULL OR e.last_assigned_at < \(offer?.value))
                    ), claimed AS (
                        INSERT INTO scheduler.inbox (queue, message_id) SELECT \(claim.queue), \(claim.ids[0]) FROM written
                    )
                    SELECT count(*)::int FROM written
                    """), logger: logger)
        return try rows.first?.decode(Int.self) == 1
    }
}

// Prepared once per connection: they run for every event that arrives alone.
private struct ReadAlone: PreparedSQL { let query: PostgresQuery }
private struct WriteAlone: PreparedSQL { let query: PostgresQuery }
