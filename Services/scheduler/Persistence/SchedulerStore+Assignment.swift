import EventBackbone
import EventContracts
import Foundation
import PostgresNIO
import Persistence

/// Reading the queue and the candidates, and making proposals under conditional updates: the
/// employee's row is locked while their load is counted, and the task moves out of PENDING only
/// at the version the proposal was made for — so even a replica whose Redis lock expired midway
/// can never overfill an employee or propose a task twice.
extension SchedulerStore {
    static let holding = "('PROPOSED', 'ASSIGNED', 'IN_PROGRESS')"

    /// The most urgent tasks waiting for someone (by base priority, then age; the policy orders
    /// them by effective priority).
    func queue(limit: Int) async throws -> [AssignmentPolicy.QueuedTask] {
        try await queueDetails(limit: limit).map(\.task)
    }

    /// Employees who could take a task now: active, online, AVAILABLE, with free capacity.
    func candidates() async throws -> [AssignmentPolicy.Candidate] {
        let rows = try await client.query(
            """
            SELECT e.id, e.skills, e.capacity, count(t.id)::int, e.last_assigned_at
            FROM scheduler.employees e
            LEFT JOIN scheduler.tasks t ON t.assignee_id = e.id AND t.stage IN \(unescaped: Self.holding)
            WHERE e.is_employee AND e.active AND e.online AND e.availability = 'AVAILABLE'
            GROUP BY e.id HAVING count(t.id) < e.capacity
            """,
            logger: logger
        )
        var candidates: [AssignmentPolicy.Candidate] = []
        for try await (id, skills, capacity, load, lastAssigned) in rows.decode((UUID, [String], Int, Int, Date?).self) {
            candidates.append(.init(id: id, skills: Set(skills), capacity: capacity, load: load, lastAssignedAt: lastAssigned))
        }
        return candidates
    }

    /// Why a proposal could not be made.
    enum Refusal: Error, Equatable {
        case employee(String)
        case task(String)

        var reason: String {
            switch self {
            case .employee(let reason), .task(let reason): reason
            }
        }
    }

    /// Proposes `taskId` at `expectedVersion` to `employeeId` and publishes `assignment.proposed`,
    /// all in the caller's transaction; throws a ``Refusal`` (rolling it back) when the employee
    /// or the task no longer qualifies. `manual` proposals (an admin's) skip the order, skills,
    /// presence and availability checks — never capacity or an inactive account.
    func propose(
        taskId: UUID, expectedVersion: Int?, to employeeId: UUID, manual: Bool, correlationId: UUID, causationId: UUID?,
        on connection: PostgresConnection
    ) async throws -> AssignmentProposed {
        let employees = try await connection.query(
            """
            SELECT is_employee, active, online, availability, capacity, skills FROM scheduler.employees
            WHERE id = \(employeeId) FOR UPDATE
            """,
            logger: logger
        ).collect()
        guard let employee = employees.first else { throw Refusal.employee("unknown employee") }
        let (isEmployee, active, online, availability, capacity, skills) = try employee.decode((Bool, Bool, Bool, String, Int, [String]).self)
        let load = try await connection.query(
            "SELECT count(*)::int FROM scheduler.tasks WHERE assignee_id = \(employeeId) AND stage IN \(unescaped: Self.holding)",
            logger: logger
        ).collect().first?.decode(Int.self) ?? 0
        if let refusal = AssignmentPolicy.refusal(employee: .init(isEmployee: isEmployee, active: active, capacity: capacity, load: load)) {
            throw Refusal.employee(refusal)
        }
        if !manual {
            guard online else { throw Refusal.employee("offline") }
            guard availability == Availability.available.rawValue else { throw Refusal.employee("away") }
        }
        let reservationId = UUID()
        let moved = try await connection.query(
            """
            UPDATE scheduler.tasks SET stage = 'PROPOSED', assignee_id = \(employeeId), reservation_id = \(reservationId),
                updated_at = now()
            WHERE id = \(taskId) AND known AND stage = 'PENDING' AND (\(expectedVersion)::int IS NULL OR version = \(expectedVersion))
            RETURNING version, required_skills
            """,
            logger: logger
        ).collect()
        guard let task = moved.first else { throw Refusal.task("the task is not waiting (or not at the version seen)") }
        let (version, required) = try task.decode((Int, [String]).self)
        if !manual, !Set(required).isSubset(of: Set(skills)) { throw Refusal.employee("lacks a required skill") }
        try await connection.query(
            "UPDATE scheduler.employees SET last_assigned_at = now() WHERE id = \(employeeId)", logger: logger
        )
        let proposal = AssignmentProposed(taskId: taskId, employeeId: employeeId, reservationId: reservationId, expectedVersion: version)
        try await outbox.append(
            EventEnvelope(source: "scheduler", correlationId: correlationId, causationId: causationId, data: proposal),
            on: connection, logger: logger
        )
        return proposal
    }
}
