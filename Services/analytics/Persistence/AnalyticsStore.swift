import EventBackbone
import EventContracts
import Foundation
import Logging
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

    /// How an event's time is kept on the task.
    enum Stamp: String {
        case created = "created_at", firstAssigned = "first_assigned_at", assigned = "assigned_at", accepted = "accepted_at"
        case completed = "completed_at", failed = "failed_at"
    }

    /// A task event: the fact, the status when its version is the newest, its times — and what
    /// only a creation (priority, due time) or an overdue notice says. Two statements: the row
    /// is read (locked) so the pure `TaskStatusOrder` decides whether the status moves, then the
    /// fact and the row are written in one.
    func taskEvent<Payload: EventPayload>(
        _ header: EventEnvelope<Payload>, taskId: UUID, version: Int, assigneeId: UUID?, willRetry: Bool = false, detail: String? = nil,
        created: TaskCreated? = nil, overdue: Bool = false, on connection: PostgresConnection
    ) async throws {
        let type = header.type
        let at = header.occurredAt
        let rows = try await connection.query(
            "SELECT version, last_event FROM analytics.tasks WHERE id = \(taskId) FOR UPDATE", logger: logger
        ).collect()
        let status = TaskStatusOrder.status(after: type, willRetry: willRetry)
        let applies: Bool
        if let row = rows.first {
            let (stored, storedEvent) = try row.decode((Int, String).self)
            applies = status != nil && TaskStatusOrder.applies(type, version: version, over: stored, storedEvent: storedEvent)
        } else {
            applies = true
        }
        let stamps = Dictionary(Self.stamps(for: type).map { ($0.0, at) }, uniquingKeysWith: { first, _ in first })
        try await connection.query(
            """
            WITH fact AS (
                INSERT INTO analytics.facts (event_id, type, task_id, employee_id, detail, at)
                VALUES (\(header.id), \(type), \(taskId), \(assigneeId), \(detail), \(at)) ON CONFLICT DO NOTHING
            )
            INSERT INTO analytics.tasks AS t (id, status, version, last_event, assignee_id, created_at, first_assigned_at, assigned_at,
                accepted_at, completed_at, failed_at, known, priority, due_at, overdue)
            VALUES (\(taskId), \(status ?? "PENDING"), \(status == nil ? 0 : version), \(status == nil ? "none" : type), \(assigneeId),
                \(stamps[.created]), \(stamps[.firstAssigned]), \(stamps[.assigned]), \(stamps[.accepted]), \(stamps[.completed]),
                \(stamps[.failed]), \(created != nil), \(created?.priority), \(created?.dueAt), \(overdue))
            ON CONFLICT (id) DO UPDATE SET
                status = CASE WHEN \(applies) THEN excluded.status ELSE t.status END,
                version = CASE WHEN \(applies) THEN excluded.version ELSE t.version END,
                last_event = CASE WHEN \(applies) THEN excluded.last_event ELSE t.last_event END,
                assignee_id = CASE WHEN \(applies) THEN excluded.assignee_id ELSE t.assignee_id END,
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
            """,
            logger: logger
        )
    }

    /// Which times an event sets, and whether the earliest (`least`) or latest (`greatest`) of
    /// several such events is kept (NULL is ignored by both).
    static func stamps(for type: String) -> [(Stamp, String)] {
        switch type {
        case "task.created": [(.created, "least")]
        case "task.assigned": [(.firstAssigned, "least"), (.assigned, "greatest")]
        case "task.accepted": [(.accepted, "greatest")]
        case "task.completed": [(.completed, "greatest")]
        case "task.failed": [(.failed, "greatest")]
        default: []
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
