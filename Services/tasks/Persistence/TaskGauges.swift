import Metrics
import PostgresNIO

/// Gauges of the task table, worked out at scrape time (docs/operations.md):
/// `orchestrator_tasks{status,priority}` — every status and priority, 0 where none — and
/// `orchestrator_tasks_overdue`, open tasks past their due time. One query, an index-only count
/// over `tasks_status` (status, priority, created_at) and the open tasks' due times.
struct TaskGauges: Sendable {
    private let byStatus: [String: Gauge]
    private let overdue = Gauge(label: "orchestrator_tasks_overdue")

    init() {
        var byStatus: [String: Gauge] = [:]
        for status in TaskStatus.allCases {
            for priority in 1...5 {
                byStatus["\(status.rawValue) \(priority)"] = Gauge(
                    label: "orchestrator_tasks", dimensions: [("status", status.rawValue), ("priority", "\(priority)")])
            }
        }
        self.byStatus = byStatus
    }

    func refresh(on database: PostgresClient) async throws {
        let rows = try await database.query(
            """
            SELECT status, priority, count(*), 0::int8 FROM tasks.tasks GROUP BY status, priority
            UNION ALL
            SELECT '', 0, 0, count(*) FROM tasks.tasks
            WHERE status IN ('PENDING', 'ASSIGNED', 'IN_PROGRESS') AND due_at < now()
            """
        )
        var counts: [String: Int64] = [:]
        for try await (status, priority, count, late) in rows.decode((String, Int, Int64, Int64).self) {
            if status.isEmpty { overdue.record(late) } else { counts["\(status) \(priority)"] = count }
        }
        for (key, gauge) in byStatus { gauge.record(counts[key] ?? 0) }
    }
}
