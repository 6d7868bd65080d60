import EventBackbone
import EventContracts
import Foundation
import Logging
import Persistence
import PostgresNIO

/// The figures' raw material in schema `analytics`, kept from events: employees, one row per
/// task (its status by version, its timestamps by event), and one fact per event for counting
/// over time. The inbox already drops a redelivered event; the facts' primary key (the event id)
/// would too.
struct AnalyticsStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    let outbox = Outbox(schema: "analytics")

    /// A delivered batch in **one autocommitted statement** that also claims it in the inbox
    /// (`claim`): the claimed events' facts, the newest claimed profile of each employee, and every
    /// task row the batch touched — folded in memory first (`TaskRowFold`), then merged with the
    /// stored row by the pure `TaskStatusOrder`'s rank and each time's earliest or latest. No
    /// BEGIN, no locked read, no COMMIT: the merge is the same whichever order two batches of
    /// one task commit in, and the statement takes the task rows in id order, so two replicas
    /// cannot deadlock. A task row is written only when one of its events was claimed; a claimed
    /// event applied again with a redelivered one changes nothing (every merge keeps the newest).
    func record(_ batch: AnalyticsBatch, claim: InboxClaim, on connection: PostgresConnection) async throws {
        let encoder = JSONEncoder()
        let factRows = String(decoding: try encoder.encode(batch.facts.map(FactRow.init)), as: UTF8.self)
        let events = Dictionary(grouping: batch.facts, by: \.taskId)
        // In id order, so two replicas writing overlapping batches take the rows in one order.
        let taskRows = String(
            decoding: try encoder.encode(
                TaskRowFold.fold(batch.facts, stored: [:]).map { id, row in
                    TaskRow((id, row), events: events[id, default: []].map(\.eventId))
                }.sorted { $0.id.uuidString < $1.id.uuidString }), as: UTF8.self)
        let profileRows = String(decoding: try encoder.encode(batch.newestProfiles), as: UTF8.self)
        let newer = "\(TaskStatusOrder.rankSQL("excluded")) > \(TaskStatusOrder.rankSQL("t"))"
        _ = try await connection.rows(
            of: RecordBatch(
                query: """
                    WITH claimed AS (
                        INSERT INTO \(unescaped: claim.inbox) (queue, message_id)
                        SELECT \(claim.queue), id FROM unnest(\(claim.ids)::uuid[]) AS message(id)
                        ON CONFLICT DO NOTHING RETURNING message_id
                    ), fact AS (
                        INSERT INTO analytics.facts (event_id, type, task_id, employee_id, detail, at)
                        SELECT event_id, type, task_id, employee_id, detail, at
                        FROM jsonb_to_recordset(\(factRows)::jsonb)
                            AS f(event_id uuid, type text, task_id uuid, employee_id uuid, detail text, at timestamptz)
                        WHERE f.event_id IN (SELECT message_id FROM claimed)
                        ON CONFLICT DO NOTHING
                    ), profile AS (
                        INSERT INTO analytics.employees AS e (id, username, is_employee, active, capacity, profile_at)
                        SELECT id, username, is_employee, active, capacity, profile_at
                        FROM jsonb_to_recordset(\(profileRows)::jsonb) AS p(event_id uuid, id uuid, username text, is_employee bool,
                            active bool, capacity int, profile_at timestamptz)
                        WHERE p.event_id IN (SELECT message_id FROM claimed)
                        ON CONFLICT (id) DO UPDATE SET username = excluded.username, is_employee = excluded.is_employee,
                            active = excluded.active, capacity = excluded.capacity, profile_at = excluded.profile_at
                        WHERE e.profile_at <= excluded.profile_at
                    )
                    INSERT INTO analytics.tasks AS t (id, status, version, last_event, assignee_id, created_at, first_assigned_at, assigned_at,
                        accepted_at, completed_at, failed_at, known, priority, due_at, required_skills, details_version, overdue)
                    SELECT id, status, version, last_event, assignee_id, created_at, first_assigned_at, assigned_at,
                        accepted_at, completed_at, failed_at, known, priority, due_at, required_skills, details_version, overdue
                    FROM jsonb_to_recordset(\(taskRows)::jsonb) AS r(id uuid, status text, version int, last_event text, assignee_id uuid,
                        created_at timestamptz, first_assigned_at timestamptz, assigned_at timestamptz, accepted_at timestamptz,
                        completed_at timestamptz, failed_at timestamptz, known bool, priority int, due_at timestamptz,
                        required_skills text[], details_version int, overdue bool, events uuid[])
                    WHERE r.events && ARRAY(SELECT message_id FROM claimed)
                    ON CONFLICT (id) DO UPDATE SET
                        status = CASE WHEN \(unescaped: newer) THEN excluded.status ELSE t.status END,
                        assignee_id = CASE WHEN \(unescaped: newer) THEN excluded.assignee_id ELSE t.assignee_id END,
                        version = CASE WHEN \(unescaped: newer) THEN excluded.version ELSE t.version END,
                        last_event = CASE WHEN \(unescaped: newer) THEN excluded.last_event ELSE t.last_event END,
                        created_at = least(t.created_at, excluded.created_at),
                        first_assigned_at = least(t.first_assigned_at, excluded.first_assigned_at),
                        assigned_at = greatest(t.assigned_at, excluded.assigned_at),
                        accepted_at = greatest(t.accepted_at, excluded.accepted_at),
                        completed_at = greatest(t.completed_at, excluded.completed_at),
                        failed_at = greatest(t.failed_at, excluded.failed_at),
                        known = t.known OR excluded.known,
                        priority = CASE WHEN excluded.details_version > t.details_version THEN excluded.priority ELSE t.priority END,
                        due_at = CASE WHEN excluded.details_version > t.details_version THEN excluded.due_at ELSE t.due_at END,
                        required_skills = CASE WHEN excluded.details_version > t.details_version THEN excluded.required_skills
                            ELSE t.required_skills END,
                        details_version = greatest(t.details_version, excluded.details_version),
                        overdue = t.overdue OR excluded.overdue
                    """), logger: logger)
    }

    /// A batch's statement (prepared: it runs for every batch).
    private struct RecordBatch: PreparedSQL { let query: PostgresQuery }

    /// A fact as `jsonb_to_recordset` reads it (times as the events write them; absent is NULL).
    private struct FactRow: Encodable {
        let event_id: UUID, type: String, task_id: UUID, employee_id: UUID?, detail: String?, at: String
        init(_ fact: TaskEventFact) {
            (event_id, type, task_id, employee_id, detail) = (fact.eventId, fact.type, fact.taskId, fact.assigneeId, fact.detail)
            at = EventCoding.timestamp(fact.at)
        }
    }

    private struct TaskRow: Encodable {
        let id: UUID, status: String, version: Int, last_event: String, assignee_id: UUID?
        let created_at, first_assigned_at, assigned_at, accepted_at, completed_at, failed_at, due_at: String?
        let known: Bool, priority: Int?, required_skills: [String], details_version: Int, overdue: Bool
        /// The events folded into it: the row is written only when the inbox claimed one of them.
        let events: [UUID]
        init(_ entry: (key: UUID, value: TaskRowFold), events: [UUID]) {
            self.events = events
            let row = entry.value
            (id, status, version, last_event, assignee_id) = (
                entry.key, row.state.status, row.state.version, row.state.lastEvent, row.state.assigneeId
            )
            (created_at, first_assigned_at, assigned_at) = (
                row.createdAt.map(EventCoding.timestamp), row.firstAssignedAt.map(EventCoding.timestamp),
                row.assignedAt.map(EventCoding.timestamp)
            )
            (accepted_at, completed_at, failed_at) = (
                row.acceptedAt.map(EventCoding.timestamp), row.completedAt.map(EventCoding.timestamp),
                row.failedAt.map(EventCoding.timestamp)
            )
            (due_at, known, priority, overdue) = (row.dueAt.map(EventCoding.timestamp), row.known, row.priority, row.overdue)
            (required_skills, details_version) = (row.requiredSkills, row.detailsVersion)
        }
    }

    /// Forgets facts older than `retention` (the per-minute series go back that far).
    func prune(olderThan retention: Duration) async throws {
        try await client.query(
            "DELETE FROM analytics.facts WHERE at < now() - make_interval(secs => \(Double(retention.components.seconds)))",
            logger: logger
        )
    }
}
