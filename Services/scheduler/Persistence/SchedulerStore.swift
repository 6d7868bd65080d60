import EventBackbone
import EventContracts
import Foundation
import Logging
import PostgresNIO

/// The scheduler's read models in schema `scheduler` — employees and tasks — kept from events,
/// and the events it publishes through its outbox.
struct SchedulerStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// How long an offer stays open; proposals carry it so the employee's card can count down.
    var reservationTimeout: Duration? = nil
    let outbox = Outbox(schema: "scheduler")

    // MARK: employees

    /// A `user.registered` or `user.updated`: the newest profile wins.
    func profile(_ user: some UserProfile, at: Date, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO scheduler.employees (id, username, full_name, is_employee, active, skills, capacity, profile_at)
            VALUES (\(user.userId), \(user.username), \(user.fullName), \(user.role == .employee), \(user.active), \(user.skills),
                    \(user.capacity), \(at))
            ON CONFLICT (id) DO UPDATE SET
                username = excluded.username, full_name = excluded.full_name, is_employee = excluded.is_employee,
                active = excluded.active, skills = excluded.skills, capacity = excluded.capacity, profile_at = excluded.profile_at
            WHERE scheduler.employees.profile_at IS NULL OR scheduler.employees.profile_at <= excluded.profile_at
            """,
            logger: logger
        )
    }

    /// A `presence.online` / `presence.offline`: the newest change wins. Returns whether it applied.
    @discardableResult
    func presence(_ id: UUID, online: Bool, at: Date, on connection: PostgresConnection) async throws -> Bool {
        let offlineSince: Date? = online ? nil : at
        let rows = try await connection.query(
            """
            INSERT INTO scheduler.employees (id, online, presence_at, offline_since)
            VALUES (\(id), \(online), \(at), \(offlineSince))
            ON CONFLICT (id) DO UPDATE SET
                online = excluded.online, presence_at = excluded.presence_at, offline_since = excluded.offline_since,
                gone_announced = CASE WHEN excluded.online THEN false ELSE scheduler.employees.gone_announced END
            WHERE scheduler.employees.presence_at IS NULL OR scheduler.employees.presence_at < excluded.presence_at
            RETURNING id
            """,
            logger: logger
        ).collect()
        return !rows.isEmpty
    }

    /// Sets an employee's availability and publishes the change; nothing when it is already so.
    @discardableResult
    func setAvailability(
        _ id: UUID, to availability: Availability, reason: String, correlationId: UUID, causationId: UUID? = nil,
        on connection: PostgresConnection
    ) async throws -> Bool {
        let rows = try await connection.query(
            """
            INSERT INTO scheduler.employees (id, availability, availability_at, availability_reason)
            VALUES (\(id), \(availability.rawValue), now(), \(reason))
            ON CONFLICT (id) DO UPDATE SET availability = excluded.availability, availability_at = now(),
                availability_reason = excluded.availability_reason
            WHERE scheduler.employees.availability <> excluded.availability
            RETURNING id
            """,
            logger: logger
        ).collect()
        guard !rows.isEmpty else { return false }
        let event = EventEnvelope(
            source: "scheduler", correlationId: correlationId, causationId: causationId,
            data: EmployeeAvailabilityChanged(employeeId: id, availability: availability, reason: reason)
        )
        try await outbox.append(event, on: connection, logger: logger)
        return true
    }

    // MARK: tasks

    /// A `task.created`: the task joins the queue (or, when a later event came first, the view
    /// gains what only the creation says).
    func created(_ task: TaskCreated, at: Date, on connection: PostgresConnection) async throws {
        let view = TaskView.created(version: task.version)
        try await connection.query(
            """
            INSERT INTO scheduler.tasks (id, known, name, priority, required_skills, created_at, stage, version, last_event)
            VALUES (\(task.taskId), true, \(task.name), \(task.priority), \(task.requiredSkills), \(at), \(view.stage.rawValue),
                    \(view.version), \(view.lastEvent))
            ON CONFLICT (id) DO UPDATE SET known = true, name = excluded.name, priority = excluded.priority,
                required_skills = excluded.required_skills, created_at = excluded.created_at
            """,
            logger: logger
        )
    }

    /// Any later `task.*` event: applied when its version is newer than the view's.
    func apply(_ change: TaskView.Change, to taskId: UUID, version: Int, at: Date, on connection: PostgresConnection) async throws {
        let rows = try await connection.query(
            """
            SELECT stage, version, last_event, assignee_id, reservation_id, avoid_employee_id, not_before, avoid_until
            FROM scheduler.tasks WHERE id = \(taskId) FOR UPDATE
            """,
            logger: logger
        ).collect()
        let current: TaskView
        if let row = rows.first {
            let (stage, version, lastEvent, assignee, reservation, avoid, notBefore, avoidUntil) =
                try row.decode((String, Int, String, UUID?, UUID?, UUID?, Date?, Date?).self)
            current = TaskView(
                stage: TaskView.Stage(rawValue: stage) ?? .pending, version: version, assigneeId: assignee, reservationId: reservation,
                lastEvent: lastEvent, avoidEmployeeId: avoid, notBefore: notBefore, avoidUntil: avoidUntil
            )
        } else {
            // Not created yet as far as we know: a placeholder the creation will complete.
            current = TaskView(stage: .pending, version: 0, lastEvent: "none")
        }
        guard let next = current.applying(change, version: version) else { return }
        let reservedAt: Date? = next.stage == .assigned ? at : nil
        try await connection.query(
            """
            INSERT INTO scheduler.tasks (id, stage, version, last_event, assignee_id, reservation_id, reserved_at, avoid_employee_id,
                                         not_before, avoid_until, updated_at)
            VALUES (\(taskId), \(next.stage.rawValue), \(next.version), \(next.lastEvent), \(next.assigneeId), \(next.reservationId),
                    \(reservedAt), \(next.avoidEmployeeId), \(next.notBefore), \(next.avoidUntil), now())
            ON CONFLICT (id) DO UPDATE SET stage = excluded.stage, version = excluded.version, last_event = excluded.last_event,
                assignee_id = excluded.assignee_id, reservation_id = excluded.reservation_id, reserved_at = excluded.reserved_at,
                expiry_sent = false, avoid_employee_id = excluded.avoid_employee_id, not_before = excluded.not_before,
                avoid_until = excluded.avoid_until, updated_at = now()
            """,
            logger: logger
        )
        if case .assigned(let assignee, _) = change {
            // An offer made outside this scheduler (or answered late) still counts as an assignment.
            try await connection.query(
                """
                UPDATE scheduler.employees SET last_assigned_at = \(at)
                WHERE id = \(assignee) AND (last_assigned_at IS NULL OR last_assigned_at < \(at))
                """,
                logger: logger
            )
        }
    }

    /// A `task.assignment_rejected`: our proposal did not become an offer, so the task is back
    /// in the queue and the employee's place is free. Not before a second has passed: when the
    /// rejection says the task moved on, the events that moved it are on their way.
    func rejected(_ rejection: TaskAssignmentRejected, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE scheduler.tasks SET stage = 'PENDING', assignee_id = NULL, reservation_id = NULL, updated_at = now(),
                not_before = now() + interval '1 second'
            WHERE id = \(rejection.taskId) AND stage = 'PROPOSED' AND reservation_id = \(rejection.reservationId)
            """,
            logger: logger
        )
        if rejection.version == 0 {
            // tasks does not know the task at all: it must never be proposed again.
            try await connection.query(
                "UPDATE scheduler.tasks SET stage = 'CANCELLED', updated_at = now() WHERE id = \(rejection.taskId) AND stage = 'PENDING'",
                logger: logger
            )
        }
    }

    /// Forgets completed and cancelled tasks after `retention` (a failed one may still be retried,
    /// and only its creation says its priority and skills).
    func prune(olderThan retention: Duration) async throws {
        try await client.query(
            """
            DELETE FROM scheduler.tasks WHERE stage IN ('COMPLETED', 'CANCELLED')
            AND updated_at < now() - make_interval(secs => \(retention.seconds))
            """,
            logger: logger
        )
    }
}
