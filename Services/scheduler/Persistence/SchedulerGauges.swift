import Metrics
import PostgresNIO

/// The queue and the team as the scheduler sees them, worked out at scrape time
/// (docs/operations.md): `orchestrator_scheduler_queue_depth` (tasks waiting for someone),
/// `orchestrator_scheduler_oldest_wait_seconds` (since the oldest of them was created; 0 when
/// none), `orchestrator_employees{state}` — `online` (active employees connected) and
/// `available` (of those, AVAILABLE with free capacity: who a round could offer a task now).
struct SchedulerGauges: Sendable {
    private let waiting = Gauge(label: "orchestrator_scheduler_queue_depth")
    private let oldestWait = Gauge(label: "orchestrator_scheduler_oldest_wait_seconds")
    private let online = Gauge(label: "orchestrator_employees", dimensions: [("state", "online")])
    private let available = Gauge(label: "orchestrator_employees", dimensions: [("state", "available")])

    func refresh(on database: PostgresClient) async throws {
        let rows = try await database.query(
            """
            WITH held AS (
                SELECT assignee_id, count(*) AS load FROM scheduler.tasks
                WHERE stage IN \(unescaped: SchedulerStore.holding) GROUP BY assignee_id
            )
            SELECT
                (SELECT count(*) FROM scheduler.tasks WHERE stage = 'PENDING' AND known),
                (SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8
                    FROM scheduler.tasks WHERE stage = 'PENDING' AND known),
                count(*),
                count(*) FILTER (WHERE e.availability = 'AVAILABLE' AND coalesce(h.load, 0) < e.capacity)
            FROM scheduler.employees e LEFT JOIN held h ON h.assignee_id = e.id
            WHERE e.is_employee AND e.active AND e.online
            """
        )
        for try await (depth, age, connected, free) in rows.decode((Int64, Double, Int64, Int64).self) {
            waiting.record(depth)
            oldestWait.record(age)
            online.record(connected)
            available.record(free)
        }
    }
}
