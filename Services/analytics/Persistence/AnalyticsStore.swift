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

    func profile(_ user: some UserProfile, at: Date, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO analytics.employees (id, username, is_employee, active, capacity, profile_at)
            VALUES (\(user.userId), \(user.username), \(user.role == .employee), \(user.active), \(user.capacity), \(at))
            ON CONFLICT (id) DO UPDATE SET username = excluded.username, is_employee = excluded.is_employee,
                active = excluded.active, capacity = excluded.capacity, profile_at = excluded.profile_at
            WHERE analytics.employees.profile_at <= excluded.profile_at
            """,
            logger: logger
        )
    }

    /// A run of task events, in two statements whatever its length: the rows of its tasks read
    /// and locked, the events folded over them in memory (`TaskRowFold`, by the pure
    /// `TaskStatusOrder`), then every fact and every task row written in one statement.
    func taskEvents(_ facts: [TaskEventFact], on connection: PostgresConnection) async throws {
        guard !facts.isEmpty else { return }
        let ids = Array(Set(facts.map(\.taskId)))
        let rows = try await connection.rows(
            of: LockTaskRows(
                query: "SELECT id, status, version, last_event, assignee_id FROM analytics.tasks WHERE id = ANY(\(ids)) ORDER BY id FOR UPDATE"
            ),
            logger: logger
        )
        var stored: [UUID: TaskRowFold.Stored] = [:]
        for row in rows {
            let (id, status, version, lastEvent, assignee) = try row.decode((UUID, String, Int, String, UUID?).self)
            stored[id] = .init(status: status, version: version, lastEvent: lastEvent, assigneeId: assignee)
        }
        let folded = TaskRowFold.fold(facts, stored: stored)
        let encoder = JSONEncoder()
        let factRows = String(decoding: try encoder.encode(facts.map(FactRow.init)), as: UTF8.self)
        // In id order, like the locks above (a uuid's text sorts as its bytes), so two replicas
        // inserting new tasks of overlapping batches do not deadlock each other.
        let taskRows = String(
            decoding: try encoder.encode(folded.sorted { $0.key.uuidString < $1.key.uuidString }.map(TaskRow.init)), as: UTF8.self
        )
        _ = try await connection.rows(of: WriteTaskEvents(query: """
            WITH fact AS (
                INSERT INTO analytics.facts (event_id, type, task_id, employee_id, detail, at)
                SELECT event_id, type, task_id, employee_id, detail, at
                FROM jsonb_to_recordset(\(factRows)::jsonb)
                    AS f(event_id uuid, type text, task_id uuid, employee_id uuid, detail text, at timestamptz)
                ON CONFLICT DO NOTHING
            )
            INSERT INTO analytics.tasks AS t (id, status, version, last_event, assignee_id, created_at, first_assigned_at, assigned_at,
                accepted_at, completed_at, failed_at, known, priority, due_at, overdue)
            SELECT id, status, version, last_event, assignee_id, created_at, first_assigned_at, assigned_at,
                accepted_at, completed_at, failed_at, known, priority, due_at, overdue
            FROM jsonb_to_recordset(\(taskRows)::jsonb) AS r(id uuid, status text, version int, last_event text, assignee_id uuid,
                created_at timestamptz, first_assigned_at timestamptz, assigned_at timestamptz, accepted_at timestamptz,
                completed_at timestamptz, failed_at timestamptz, known bool, priority int, due_at timestamptz, overdue bool)
            ON CONFLICT (id) DO UPDATE SET
                status = excluded.status, version = excluded.version, last_event = excluded.last_event,
                assignee_id = excluded.assignee_id,
                created_at = least(t.created_at, excluded.created_at),
                first_assigned_at = least(t.first_assigned_at, excluded.first_assigned_at),
                assigned_at = greatest(t.assigned_at, excluded.assigned_at),
                accepted_at = greatest(t.accepted_at, excluded.accepted_at),
                completed_at = greatest(t.completed_at, excluded.completed_at),
                failed_at = greatest(t.failed_at, excluded.failed_at),
                known = t.known OR excluded.known,
                priority = CASE WHEN excluded.known THEN excluded.priority ELSE t.priority END,
                due_at = CASE WHEN excluded.known THEN excluded.due_at ELSE t.due_at END,
                overdue = t.overdue OR excluded.overdue
            """), logger: logger)
    }

    /// The rows of a run's tasks, locked (prepared: it runs for every batch).
    private struct LockTaskRows: PreparedSQL { let query: PostgresQuery }
    /// A run's facts and task rows (prepared: it runs for every batch).
    private struct WriteTaskEvents: PreparedSQL { let query: PostgresQuery }

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
        let known: Bool, priority: Int?, overdue: Bool
        init(_ entry: (key: UUID, value: TaskRowFold)) {
            let row = entry.value
            (id, status, version, last_event, assignee_id) = (entry.key, row.state.status, row.state.version, row.state.lastEvent, row.state.assigneeId)
            (created_at, first_assigned_at, assigned_at) = (row.createdAt.map(EventCoding.timestamp), row.firstAssignedAt.map(EventCoding.timestamp), row.assignedAt.map(EventCoding.timestamp))
            (accepted_at, completed_at, failed_at) = (row.acceptedAt.map(EventCoding.timestamp), row.completedAt.map(EventCoding.timestamp), row.failedAt.map(EventCoding.timestamp))
            (due_at, known, priority, overdue) = (row.dueAt.map(EventCoding.timestamp), row.known, row.priority, row.overdue)
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
