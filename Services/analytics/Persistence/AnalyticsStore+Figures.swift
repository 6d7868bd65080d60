import Foundation
import PostgresNIO

/// The figures, computed in PostgreSQL from the tasks and facts over a window ending now, or at
/// `window.end` (a custom range): what happened after `since` and no later than `until`.
/// Percentiles interpolate between the closest ranks (`percentile_cont`).
extension AnalyticsStore: AnalyticsFigures {
    static let open = "('PENDING', 'ASSIGNED', 'IN_PROGRESS')"

    func durations(_ span: Span, window: Window, assignee: UUID?) async throws -> DurationStats {
        let (since, until) = window.bounds
        let (duration, end) = (span.interval, span.end)
        let row = try await client.query(
            """
            SELECT count(*)::int, avg(d), percentile_cont(0.5) WITHIN GROUP (ORDER BY d),
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY d), percentile_cont(0.99) WITHIN GROUP (ORDER BY d)
            FROM (SELECT greatest(0, extract(epoch FROM (\(unescaped: duration))) * 1000)::float8 AS d FROM analytics.tasks
                  WHERE \(unescaped: end) > \(since) AND \(unescaped: end) <= \(until) AND (\(unescaped: duration)) IS NOT NULL
                    AND (\(assignee)::uuid IS NULL OR assignee_id = \(assignee))) AS x
            """,
            logger: logger
        ).collect().first
        guard let row else { return DurationStats(count: 0) }
        let (count, mean, p50, p90, p99) = try row.decode((Int, Double?, Double?, Double?, Double?).self)
        func rounded(_ value: Double?) -> Double? { value.map { ($0 * 1_000).rounded() / 1_000 } }
        return DurationStats(count: count, meanMs: rounded(mean), p50Ms: rounded(p50), p90Ms: rounded(p90), p99Ms: rounded(p99))
    }

    func countsByStatus() async throws -> [String: Int] {
        // Kept by the triggers on analytics.tasks (migration 5): six rows, however many tasks.
        try await keyedCounts("SELECT status, tasks::int FROM analytics.status_counts WHERE tasks <> 0")
    }

    func openByPriority() async throws -> [String: Int] {
        try await keyedCounts(
            "SELECT priority::text, count(*)::int FROM analytics.tasks WHERE known AND status IN \(unescaped: Self.open) GROUP BY priority"
        )
    }

    func openBySkill() async throws -> [String: Int] {
        try await keyedCounts(
            """
            SELECT skill, count(*)::int FROM analytics.tasks CROSS JOIN unnest(required_skills) AS skill
            WHERE known AND status IN \(unescaped: Self.open) GROUP BY skill
            """
        )
    }

    func completedBySkill(window: Window) async throws -> [String: Int] {
        let (since, until) = window.bounds
        return try await keyedCounts(
            """
            SELECT skill, count(*)::int FROM analytics.facts f JOIN analytics.tasks t ON t.id = f.task_id
            CROSS JOIN unnest(t.required_skills) AS skill
            WHERE f.type = 'task.completed' AND f.at > \(since) AND f.at <= \(until) GROUP BY skill
            """
        )
    }

    func eventCounts(window: Window, employee: UUID?) async throws -> [String: Int] {
        let (since, until) = window.bounds
        return try await keyedCounts(
            """
            SELECT type, count(*)::int FROM analytics.facts
            WHERE at > \(since) AND at <= \(until) AND (\(employee)::uuid IS NULL OR employee_id = \(employee))
            GROUP BY type
            """
        )
    }

    func retries(window: Window) async throws -> Int {
        let (since, until) = window.bounds
        return try await client.query(
            """
            SELECT count(*)::int FROM analytics.facts
            WHERE type = 'task.failed' AND detail = 'retry' AND at > \(since) AND at <= \(until)
            """,
            logger: logger
        ).collect().first?.decode(Int.self) ?? 0
    }

    func overdueOpen() async throws -> Int {
        try await client.query(
            "SELECT count(*)::int FROM analytics.tasks WHERE overdue AND status IN \(unescaped: Self.open)", logger: logger
        ).collect().first?.decode(Int.self) ?? 0
    }

    func longestWaiting() async throws -> Waiting? {
        guard
            let row = try await client.query(
                """
                SELECT id, priority, created_at, extract(epoch FROM now() - created_at)::float8 FROM analytics.tasks
                WHERE known AND status = 'PENDING' AND created_at IS NOT NULL ORDER BY created_at LIMIT 1
                """,
                logger: logger
            ).collect().first
        else { return nil }
        let (id, priority, createdAt, waiting) = try row.decode((UUID, Int?, Date, Double).self)
        return Waiting(taskId: id, priority: priority, createdAt: createdAt, waitingSeconds: (waiting * 1_000).rounded() / 1_000)
    }

    func assignmentsPerCapacity(window: Window) async throws -> [Double] {
        let (since, until) = window.bounds
        let rows = try await client.query(
            """
            SELECT count(*)::float8 / greatest(e.capacity, 1) FROM analytics.facts f JOIN analytics.employees e ON e.id = f.employee_id
            WHERE f.type = 'task.assigned' AND f.at > \(since) AND f.at <= \(until)
            GROUP BY f.employee_id, e.capacity
            """,
            logger: logger
        )
        var values: [Double] = []
        for try await value in rows.decode(Double.self) { values.append(value) }
        return values
    }

    func employees(_ id: UUID?) async throws -> [EmployeeRow] {
        let rows = try await client.query(
            """
            SELECT id, username, capacity FROM analytics.employees
            WHERE is_employee AND (\(id)::uuid IS NULL OR id = \(id)) ORDER BY username
            """,
            logger: logger
        )
        var employees: [EmployeeRow] = []
        for try await (id, username, capacity) in rows.decode((UUID, String, Int).self) {
            employees.append(EmployeeRow(id: id, username: username, capacity: capacity))
        }
        return employees
    }

    func currentLoad(of employee: UUID) async throws -> Int {
        try await client.query(
            "SELECT count(*)::int FROM analytics.tasks WHERE assignee_id = \(employee) AND status IN ('ASSIGNED', 'IN_PROGRESS')",
            logger: logger
        ).collect().first?.decode(Int.self) ?? 0
    }

    func busySeconds(of employee: UUID, window: Window) async throws -> Double {
        let (since, until) = window.bounds
        return try await client.query(
            """
            SELECT coalesce(sum(greatest(0, extract(epoch FROM
                       least(coalesce(completed_at, failed_at, \(until)), \(until)) - greatest(accepted_at, \(since))))), 0)::float8
            FROM analytics.tasks WHERE assignee_id = \(employee) AND accepted_at IS NOT NULL
            """,
            logger: logger
        ).collect().first?.decode(Double.self) ?? 0
    }

    func countSeries(of type: String, window: Window, width: BucketWidth) async throws -> [Bucket] {
        let (since, until) = window.bounds
        let rows = try await client.query(
            """
            SELECT date_trunc(\(width.rawValue), at, 'UTC'), count(*)::int FROM analytics.facts
            WHERE type = \(type) AND at > \(since) AND at <= \(until) GROUP BY 1 ORDER BY 1
            """,
            logger: logger
        )
        var buckets: [Bucket] = []
        for try await (minute, count) in rows.decode((Date, Int).self) { buckets.append(Bucket(minute: minute, count: count)) }
        return buckets
    }

    func durationSeries(_ span: Span, window: Window, width: BucketWidth) async throws -> [Bucket] {
        let (since, until) = window.bounds
        let (duration, end) = (span.interval, span.end)
        let rows = try await client.query(
            """
            SELECT date_trunc(\(width.rawValue), e, 'UTC'), count(*)::int, avg(d), percentile_cont(0.5) WITHIN GROUP (ORDER BY d),
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY d)
            FROM (SELECT \(unescaped: end) AS e, greatest(0, extract(epoch FROM (\(unescaped: duration))) * 1000)::float8 AS d
                  FROM analytics.tasks
                  WHERE \(unescaped: end) > \(since) AND \(unescaped: end) <= \(until) AND (\(unescaped: duration)) IS NOT NULL) AS x
            GROUP BY 1 ORDER BY 1
            """,
            logger: logger
        )
        var buckets: [Bucket] = []
        for try await (minute, count, mean, p50, p90) in rows.decode((Date, Int, Double?, Double?, Double?).self) {
            buckets.append(Bucket(minute: minute, count: count, meanMs: mean, p50Ms: p50, p90Ms: p90))
        }
        return buckets
    }

    /// A count per key (a NULL key counted as "unknown").
    private func keyedCounts(_ query: PostgresQuery) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        let rows = try await client.query(query, logger: logger)
        for try await (key, count) in rows.decode((String?, Int).self) { counts[key ?? "unknown"] = count }
        return counts
    }
}

extension Span {
    /// The span as an SQL interval over `analytics.tasks`.
    var interval: String {
        switch self {
        case .wait: "first_assigned_at - created_at"
        case .acceptance: "accepted_at - assigned_at"
        case .handling: "completed_at - accepted_at"
        }
    }

    /// The column a span ends at: which window it falls in.
    var end: String {
        switch self {
        case .wait: "first_assigned_at"
        case .acceptance: "accepted_at"
        case .handling: "completed_at"
        }
    }
}
