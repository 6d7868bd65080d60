import EventContracts
import Foundation
import Persistence
import PostgresNIO

/// What the routes show: the whole queue with names, and every employee with their load.
extension SchedulerStore: SchedulerViews {
    func queueDetails(limit: Int? = nil) async throws -> [WaitingTask] {
        let rows = try await client.rows(
            of: Queue(
                query: """
                    SELECT id, version, priority, required_skills, created_at, avoid_employee_id, not_before, name, avoid_until
                    FROM scheduler.tasks WHERE stage = 'PENDING' AND known
                    ORDER BY priority, created_at LIMIT \(limit ?? Int(Int32.max))
                    """), logger: logger)
        var tasks: [WaitingTask] = []
        for row in rows {
            let (id, version, priority, skills, createdAt, avoid, notBefore, name, avoidUntil) = try row.decode(
                (UUID, Int, Int, [String], Date, UUID?, Date?, String, Date?).self
            )
            tasks.append(
                WaitingTask(
                    task: .init(
                        id: id, version: version, priority: priority, requiredSkills: Set(skills), createdAt: createdAt,
                        avoidEmployeeId: avoid, notBefore: notBefore, avoidUntil: avoidUntil
                    ),
                    name: name
                ))
        }
        return tasks
    }

    func employeeSummaries(only: UUID? = nil) async throws -> [EmployeeSummary] {
        let rows = try await client.query(
            """
            WITH held AS MATERIALIZED (
                SELECT assignee_id, count(*)::int AS load FROM scheduler.tasks
                WHERE stage IN \(unescaped: Self.holding) GROUP BY assignee_id
            )
            SELECT e.id, e.username, e.full_name, e.active, e.online, e.availability, coalesce(h.load, 0), e.capacity, e.skills,
                   e.last_assigned_at, e.offline_since, e.availability_reason
            FROM scheduler.employees e LEFT JOIN held h ON h.assignee_id = e.id
            WHERE e.is_employee AND (\(only)::uuid IS NULL OR e.id = \(only))
            ORDER BY e.username
            """,
            logger: logger
        )
        var employees: [EmployeeSummary] = []
        for try await (id, username, fullName, active, online, availability, load, capacity, skills, idle, offline, reason) in rows.decode(
            (UUID, String, String, Bool, Bool, String, Int, Int, [String], Date?, Date?, String?).self
        ) {
            // The availability column's CHECK allows AVAILABLE and AWAY only.
            employees.append(
                EmployeeSummary(
                    id: id, username: username, fullName: fullName, active: active, online: online,
                    availability: Availability(rawValue: availability) ?? .away,
                    availabilityReason: reason, load: load, capacity: capacity, skills: skills, idleSince: idle, offlineSince: offline
                ))
        }
        return employees
    }

    func setAvailability(_ id: UUID, to availability: Availability, reason: String, correlationId: UUID) async throws -> Bool {
        try await client.transaction(logger: logger) { connection in
            try await setAvailability(id, to: availability, reason: reason, correlationId: correlationId, on: connection)
        }
    }
}

/// The queue, read every round (prepared once per connection).
private struct Queue: PreparedSQL { let query: PostgresQuery }
