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

    /// A task event: the fact, the status when its version is the newest, its times.
    func taskEvent<Payload: EventPayload>(
        _ header: EventEnvelope<Payload>, taskId: UUID, version: Int, assigneeId: UUID?, willRetry: Bool = false, detail: String? = nil,
        on connection: PostgresConnection
    ) async throws {
        let type = header.type
        let at = header.occurredAt
        try await connection.query(
            """
            INSERT INTO analytics.facts (event_id, type, task_id, employee_id, detail, at)
            VALUES (\(header.id), \(type), \(taskId), \(assigneeId), \(detail), \(at)) ON CONFLICT DO NOTHING
            """,
            logger: logger
        )
        let rows = try await connection.query(
            "SELECT version, last_event FROM analytics.tasks WHERE id = \(taskId) FOR UPDATE", logger: logger
        ).collect()
        let status = TaskStatusOrder.status(after: type, willRetry: willRetry)
        if let row = rows.first {
            let (stored, storedEvent) = try row.decode((Int, String).self)
            if let status, TaskStatusOrder.applies(type, version: version, over: stored, storedEvent: storedEvent) {
                try await connection.query(
                    """
                    UPDATE analytics.tasks SET status = \(status), version = \(version), last_event = \(type), assignee_id = \(assigneeId)
                    WHERE id = \(taskId)
                    """,
                    logger: logger
                )
            }
        } else {
            try await connection.query(
                """
                INSERT INTO analytics.tasks (id, status, version, last_event, assignee_id)
                VALUES (\(taskId), \(status ?? "PENDING"), \(status == nil ? 0 : version), \(status == nil ? "none" : type), \(assigneeId))
                """,
                logger: logger
            )
        }
        for (stamp, keep) in Self.stamps(for: type) {
            try await connection.query(
                """
                UPDATE analytics.tasks SET \(unescaped: stamp.rawValue) = \(unescaped: keep)(\(unescaped: stamp.rawValue), \(at))
                WHERE id = \(taskId)
                """,
                logger: logger
            )
        }
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

    func created(_ task: TaskCreated, on connection: PostgresConnection) async throws {
        try await connection.query(
            "UPDATE analytics.tasks SET known = true, priority = \(task.priority), due_at = \(task.dueAt) WHERE id = \(task.taskId)",
            logger: logger
        )
    }

    func overdue(_ taskId: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("UPDATE analytics.tasks SET overdue = true WHERE id = \(taskId)", logger: logger)
    }

    /// Forgets facts older than `retention` (the per-minute series go back that far).
    func prune(olderThan retention: Duration) async throws {
        try await client.query(
            "DELETE FROM analytics.facts WHERE at < now() - make_interval(secs => \(Double(retention.components.seconds)))",
            logger: logger
        )
    }
}
