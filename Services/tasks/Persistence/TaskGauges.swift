import Metrics
import PostgresNIO

/// Gauges of the open tasks, worked out at scrape time (docs/operations.md):
/// `orchestrator_tasks{status,priority}` — PENDING, ASSIGNED and IN_PROGRESS by priority, 0
/// where none — and `orchestrator_tasks_overdue`, open tasks past their due time. One read of the
/// open tasks through `tasks_status`; ended tasks are left out, since counting them all read the
/// whole table (38 ms a scrape at 100,000 tasks): their flow is in the counters, their totals in
/// analytics.
struct TaskGauges: Sendable {
    private let byStatus: [String: Gauge]
    private let overdue = Gauge(label: "orchestrator_tasks_overdue")
    static let open = TaskStatus.allCases.filter { !$0.isTerminal }

    init() {
        var byStatus: [String: Gauge] = [:]
        for status in Self.open {
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
            SELECT status, priority, count(*), count(*) FILTER (WHERE due_at < now()) FROM tasks.tasks
            WHERE status IN ('PENDING', 'ASSIGNED', 'IN_PROGRESS') GROUP BY status, priority
            """
        )
        var counts: [String: Int64] = [:]
        var late: Int64 = 0
        for try await (status, priority, count, pastDue) in rows.decode((String, Int, Int64, Int64).self) {
            counts["\(status) \(priority)"] = count
            late += pastDue
        }
        overdue.record(late)
        for (key, gauge) in byStatus { gauge.record(counts[key] ?? 0) }
    }
}
