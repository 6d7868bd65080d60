import EventBackbone
import EventContracts
import Foundation
import Logging
import Persistence
import PostgresNIO
import Telemetry

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

    /// `task.created` events: each task joins the queue (or, when a later event came first, its
    /// view gains what only the creation says). One statement for the lot, in id order; returns
    /// the manual assignments held for these tasks that are now due (`HeldAssignment`).
    /// `traces`: the trace each creation belongs to, by task, which the task's proposals continue.
    func created(
        _ tasks: [(task: TaskCreated, at: Date)], traces: [UUID: TraceParent] = [:], on connection: PostgresConnection
    ) async throws -> [HeldAssignment] {
        guard !tasks.isEmpty else { return [] }
        let rows = tasks.sorted { $0.task.taskId.uuidString < $1.task.taskId.uuidString }.map { task, at in
            CreatedRow(
                id: task.taskId, name: task.name, priority: task.priority, required_skills: task.requiredSkills,
                created_at: EventCoding.timestamp(at), version: task.version, traceparent: traces[task.taskId]?.header
            )
        }
        let held = try await connection.rows(
            of: Created(
                query: """
                    WITH written AS (
                        INSERT INTO scheduler.tasks AS t (id, known, name, priority, required_skills, created_at, stage, version, last_event,
                                                         traceparent)
                        SELECT id, true, name, priority, required_skills, created_at, \(TaskView.Stage.pending.rawValue), version,
                               \(TaskView.Change.created.eventType), traceparent
                        FROM jsonb_to_recordset(\(try Self.json(rows))::jsonb)
                            AS r(id uuid, name text, priority int, required_skills text[], created_at timestamptz, version int, traceparent text)
                        ON CONFLICT (id) DO UPDATE SET known = true, name = excluded.name, traceparent = excluded.traceparent,
                            -- an edit this view already has is newer than the creation
                            priority = CASE WHEN t.edited_version > excluded.version THEN t.priority ELSE excluded.priority END,
                            required_skills = CASE WHEN t.edited_version > excluded.version THEN t.required_skills
                                ELSE excluded.required_skills END,
                            created_at = excluded.created_at,
                            -- a row only a held request made (TaskView.unknown, version 0) takes the creation's view
                            stage = CASE WHEN t.version < excluded.version THEN excluded.stage ELSE t.stage END,
                            last_event = CASE WHEN t.version < excluded.version THEN excluded.last_event ELSE t.last_event END,
                            version = GREATEST(t.version, excluded.version)
                        RETURNING t.id, t.known, t.version, t.held_assignment
                    )
                    SELECT id, known, version, held_assignment::text FROM written WHERE held_assignment IS NOT NULL
                    """), logger: logger)
        return try await dueHeldAssignments(in: held, on: connection)
    }

    /// A `task.created` that arrives alone, as the consumer's first try (`EventHandlers.firstTry`):
    /// the task joins the queue and the message is claimed in one autocommitted statement —
    /// only when the scheduler has no view of the task yet. Returns false, having written
    /// nothing, when it has one (a later event came first, a manual assignment waits for it, a
    /// redelivery): `created` decides those in the usual transaction. A message claimed
    /// meanwhile fails the statement.
    func createdAlone(
        _ task: TaskCreated, at: Date, trace: TraceParent? = nil, claim: InboxClaim, on connection: PostgresConnection
    ) async throws -> Bool {
        precondition(claim.inbox == "scheduler.inbox" && claim.ids.count == 1, "one message of the scheduler's inbox")
        let rows = try await connection.rows(
            of: CreatedAlone(
                query: """
                    WITH written AS (
                        INSERT INTO scheduler.tasks (id, known, name, priority, required_skills, created_at, stage, version, last_event,
                                                     traceparent)
                        VALUES (\(task.taskId), true, \(task.name), \(task.priority), \(task.requiredSkills), \(at),
                                \(TaskView.Stage.pending.rawValue), \(task.version), \(TaskView.Change.created.eventType), \(trace?.header))
                        ON CONFLICT (id) DO NOTHING
                        RETURNING id
                    ), claimed AS (
                        INSERT INTO scheduler.inbox (queue, message_id) SELECT \(claim.queue), \(claim.ids[0]) FROM written
                    )
                    SELECT count(*)::int FROM written
                    """), logger: logger)
        return try rows.first?.decode(Int.self) == 1
    }

    /// Every later `task.*` event of a run: the views are read and locked once, folded in memory
    /// (`TaskViewFold`: each event applied when its version is newer than the view's), and the
    /// changed ones written in one statement with the employees' latest offers. Returns the
    /// manual assignments held for these tasks that are now due (`HeldAssignment`).
    func apply(_ events: [TaskViewFold.Event], on connection: PostgresConnection) async throws -> [HeldAssignment] {
        guard !events.isEmpty else { return [] }
        let ids = Array(Set(events.map(\.taskId)))
        let rows = try await connection.rows(
            of: LockViews(
                query: """
                    SELECT id, stage, version, last_event, assignee_id, reservation_id, avoid_employee_id, not_before, avoid_until
                    FROM scheduler.tasks WHERE id = ANY(\(ids)) ORDER BY id FOR UPDATE
                    """), logger: logger)
        var stored: [UUID: TaskView] = [:]
        for row in rows {
            let (id, stage, version, lastEvent, assignee, reservation, avoid, notBefore, avoidUntil) =
                try row.decode((UUID, String, Int, String, UUID?, UUID?, UUID?, Date?, Date?).self)
            stored[id] = Self.storedView(stage, version, lastEvent, assignee, reservation, avoid, notBefore, avoidUntil)
        }
        let fold = TaskViewFold(events, stored: stored)
        guard !fold.written.isEmpty else { return [] }
        // In id order, like the locks above, so two replicas inserting the same new tasks do not
        // deadlock; a row another replica inserted meanwhile is overwritten only by a newer view.
        let written = fold.written.sorted { $0.key.uuidString < $1.key.uuidString }.map(ViewRow.init)
        let offers = fold.offeredAt.map { OfferRow(id: $0.key, at: EventCoding.timestamp($0.value)) }
        let held = try await connection.rows(
            of: WriteViews(
                query: """
                    WITH offered AS (
                        UPDATE scheduler.employees e SET last_assigned_at = o.at
                        FROM jsonb_to_recordset(\(try Self.json(offers))::jsonb) AS o(id uuid, at timestamptz)
                        WHERE e.id = o.id AND (e.last_assigned_at IS NULL OR e.last_assigned_at < o.at)
                    ), written AS (
                        INSERT INTO scheduler.tasks AS t (id, stage, version, last_event, assignee_id, reservation_id, reserved_at,
                                                          avoid_employee_id, not_before, avoid_until, updated_at, priority, required_skills,
                                                          edited_version)
                        SELECT id, stage, version, last_event, assignee_id, reservation_id, reserved_at, avoid_employee_id, not_before,
                               avoid_until, now(), coalesce(priority, 5), coalesce(required_skills, '{}'), edited_version
                        FROM jsonb_to_recordset(\(try Self.json(written))::jsonb)
                            AS r(id uuid, stage text, version int, last_event text, assignee_id uuid, reservation_id uuid, reserved_at timestamptz,
                                 avoid_employee_id uuid, not_before timestamptz, avoid_until timestamptz, priority int, required_skills text[],
                                 edited_version int)
                        ON CONFLICT (id) DO UPDATE SET stage = excluded.stage, version = excluded.version, last_event = excluded.last_event,
                            assignee_id = excluded.assignee_id, reservation_id = excluded.reservation_id, reserved_at = excluded.reserved_at,
                            expiry_sent = false, avoid_employee_id = excluded.avoid_employee_id, not_before = excluded.not_before,
                            avoid_until = excluded.avoid_until, updated_at = now(),
                            -- the details of the run's edit, if it had one newer than the view's
                            priority = CASE WHEN excluded.edited_version > t.edited_version THEN excluded.priority ELSE t.priority END,
                            required_skills = CASE WHEN excluded.edited_version > t.edited_version THEN excluded.required_skills
                                ELSE t.required_skills END,
                            edited_version = greatest(t.edited_version, excluded.edited_version)
                        WHERE t.version <= excluded.version
                        RETURNING t.id, t.known, t.version, t.held_assignment
                    )
                    SELECT id, known, version, held_assignment::text FROM written WHERE held_assignment IS NOT NULL
                    """), logger: logger)
        return try await dueHeldAssignments(in: held, on: connection)
    }

    /// A view from its stored columns, in the order the reads select them.
    static func storedView(
        _ stage: String, _ version: Int, _ lastEvent: String, _ assignee: UUID?, _ reservation: UUID?, _ avoid: UUID?, _ notBefore: Date?,
        _ avoidUntil: Date?
    ) -> TaskView {
        TaskView(
            stage: TaskView.Stage(rawValue: stage) ?? .pending, version: version, assigneeId: assignee, reservationId: reservation,
            lastEvent: lastEvent, avoidEmployeeId: avoid, notBefore: notBefore, avoidUntil: avoidUntil
        )
    }

    // A batch's statements, prepared once per connection.
    private struct Created: PreparedSQL { let query: PostgresQuery }
    private struct CreatedAlone: PreparedSQL { let query: PostgresQuery }
    private struct LockViews: PreparedSQL { let query: PostgresQuery }
    private struct WriteViews: PreparedSQL { let query: PostgresQuery }

    /// Rows as `jsonb_to_recordset` reads them: one parameter however many there are.
    static func json(_ rows: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
    }

    private struct CreatedRow: Encodable {
        let id: UUID, name: String, priority: Int, required_skills: [String], created_at: String, version: Int
        let traceparent: String?
    }

    private struct OfferRow: Encodable {
        let id: UUID, at: String
    }

    private struct ViewRow: Encodable {
        let id: UUID, stage: String, version: Int, last_event: String, assignee_id: UUID?, reservation_id: UUID?
        let reserved_at: String?, avoid_employee_id: UUID?, not_before: String?, avoid_until: String?
        /// Set only by an edit (`edited_version` 0 otherwise, which never wins).
        let priority: Int?, required_skills: [String]?, edited_version: Int
        init(_ entry: (key: UUID, value: TaskViewFold.Written)) {
            let view = entry.value.view
            let edit = entry.value.edit
            (priority, required_skills, edited_version) = (edit?.priority, edit?.requiredSkills, edit?.version ?? 0)
            (id, stage, version, last_event) = (entry.key, view.stage.rawValue, view.version, view.lastEvent)
            (assignee_id, reservation_id, avoid_employee_id) = (view.assigneeId, view.reservationId, view.avoidEmployeeId)
            (reserved_at, not_before, avoid_until) = (
                entry.value.reservedAt.map(EventCoding.timestamp), view.notBefore.map(EventCoding.timestamp),
                view.avoidUntil.map(EventCoding.timestamp)
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
