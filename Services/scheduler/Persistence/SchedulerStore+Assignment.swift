import EventBackbone
import EventContracts
import Foundation
import Persistence
import PostgresNIO
import Telemetry

/// Reading the queue and the candidates, and making proposals under conditional updates: the
/// employee's row is locked while their load is counted, and the task moves out of PENDING only
/// at the version the proposal was made for — so even a replica whose Redis lock expired midway
/// can never overfill an employee or propose a task twice.
extension SchedulerStore {
    static let holding = "('PROPOSED', 'ASSIGNED', 'IN_PROGRESS')"
    static let notWaiting = "the task is not waiting (or not at the version seen)"
    static let changedMeanwhile = "another round proposed to the employee while this one counted their load"

    /// What a round plans from: the tasks waiting for someone, the employees who could take one
    /// now, and the trace each waiting task's creation belongs to, which its proposal continues.
    struct RoundInputs: Sendable {
        var queue: [AssignmentPolicy.QueuedTask] = []
        var candidates: [AssignmentPolicy.Candidate] = []
        var traces: [UUID: TraceParent] = [:]
    }

    /// The columns of a waiting task a round reads.
    static let waitingColumns =
        "id, version, priority, required_skills, created_at, avoid_employee_id, not_before, avoid_until, traceparent"

    /// The rest of a round's read after its `waiting` CTE (`waitingColumns` of the tasks it
    /// plans): the held tasks' loads, then one row per waiting task and — only when some wait —
    /// one per employee who could take one now: active, online, AVAILABLE, with free capacity.
    ///
    /// The loads are counted once, from the held tasks' index, before the join: joined per
    /// employee, a plan made while nothing was held (a prepared statement keeps its plan) walked
    /// every held task for every ready employee — 7,700 buffers and up to 56 ms a round under
    /// load (docs/benchmarks.md). Both halves share the statement's snapshot; each row says
    /// which half it belongs to, and the columns the halves do not share are NULL in the other.
    static let roundReadTail = """
        held AS MATERIALIZED (
            SELECT assignee_id, count(*)::int AS load FROM scheduler.tasks
            WHERE stage IN \(Self.holding) GROUP BY assignee_id
        )
        SELECT true, \(Self.waitingColumns)
        FROM waiting
        UNION ALL
        SELECT false, e.id, e.capacity, coalesce(h.load, 0), e.skills, e.last_assigned_at, NULL, NULL, NULL, NULL
        FROM scheduler.employees e LEFT JOIN held h ON h.assignee_id = e.id
        WHERE EXISTS (SELECT 1 FROM waiting)
            AND e.is_employee AND e.active AND e.online AND e.availability = 'AVAILABLE'
            AND coalesce(h.load, 0) < e.capacity
        """

    /// What a round plans from, read in one statement: the most urgent tasks waiting for someone
    /// (at most `limit`, by base priority, then age; the policy orders them by effective
    /// priority) and the employees who could take one (`roundReadTail`).
    func roundInputs(limit: Int) async throws -> RoundInputs {
        try Self.roundInputs(
            try await client.rows(
                of: ReadRoundInputs(
                    query: """
                        WITH waiting AS MATERIALIZED (
                            SELECT \(unescaped: Self.waitingColumns)
                            FROM scheduler.tasks WHERE stage = 'PENDING' AND known
                            ORDER BY priority, created_at LIMIT \(limit)
                        ), \(unescaped: Self.roundReadTail)
                        """), logger: logger))
    }

    /// A `task.created` that arrives alone, with the round it makes possible (issue 20: the
    /// scheduler proposes right after consuming the creation): the task joins the queue, the
    /// message is claimed, and what a round plans from is read — the new task with the `limit`
    /// most urgent of the others waiting — in one statement, autocommitted (`Assigner.created`).
    /// Nil, having written nothing, when the scheduler has a view of the task already (see
    /// `createdAlone`). A message claimed meanwhile fails the statement.
    func createdWithRoundInputs(
        _ task: TaskCreated, at: Date, trace: TraceParent? = nil, claim: InboxClaim, limit: Int, on connection: PostgresConnection
    ) async throws -> RoundInputs? {
        precondition(claim.inbox == "scheduler.inbox" && claim.ids.count == 1, "one message of the scheduler's inbox")
        let rows = try await connection.rows(
            of: CreatedWithRoundInputs(
                query: """
                    WITH written AS (
                        INSERT INTO scheduler.tasks (id, known, name, priority, required_skills, created_at, stage, version, last_event,
                                                     traceparent)
                        VALUES (\(task.taskId), true, \(task.name), \(task.priority), \(task.requiredSkills), \(at),
                                \(TaskView.Stage.pending.rawValue), \(task.version), \(TaskView.Change.created.eventType), \(trace?.header))
                        ON CONFLICT (id) DO NOTHING
                        RETURNING \(unescaped: Self.waitingColumns)
                    ), claimed AS (
                        INSERT INTO scheduler.inbox (queue, message_id) SELECT \(claim.queue), \(claim.ids[0]) FROM written
                    ), waiting AS MATERIALIZED (
                        -- The statement's snapshot does not hold the row it writes: the new task joins
                        -- the others here. Nothing at all is read when it was not written.
                        (SELECT \(unescaped: Self.waitingColumns)
                         FROM scheduler.tasks WHERE stage = 'PENDING' AND known AND EXISTS (SELECT 1 FROM written)
                         ORDER BY priority, created_at LIMIT \(limit))
                        UNION ALL
                        SELECT \(unescaped: Self.waitingColumns) FROM written
                    ), \(unescaped: Self.roundReadTail)
                    """), logger: logger)
        let inputs = try Self.roundInputs(rows)
        return inputs.queue.isEmpty ? nil : inputs
    }

    /// A round's read, row by row: a task — version, priority, its skills, created; or an
    /// employee — capacity, load, skills, last offer.
    private static func roundInputs(_ rows: [PostgresRow]) throws -> RoundInputs {
        var inputs = RoundInputs()
        for row in rows {
            let (isTask, id, first, second, skills, moment, avoid, notBefore, avoidUntil, traceparent) = try row.decode(
                (Bool, UUID, Int, Int, [String], Date?, UUID?, Date?, Date?, String?).self
            )
            if isTask {
                inputs.traces[id] = traceparent.flatMap(TraceParent.init(header:))
                // `moment` is created_at, NOT NULL for a task.
                inputs.queue.append(
                    .init(
                        id: id, version: first, priority: second, requiredSkills: Set(skills), createdAt: moment ?? .distantPast,
                        avoidEmployeeId: avoid, notBefore: notBefore, avoidUntil: avoidUntil
                    ))
            } else {
                inputs.candidates.append(.init(id: id, skills: Set(skills), capacity: first, load: second, lastAssignedAt: moment))
            }
        }
        return inputs
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

    /// A proposal to make: from a round's plan (with the task's skills, which never change), or
    /// an admin's manual assignment.
    struct Intent: Sendable {
        var taskId: UUID
        /// The version the plan saw; nil for a manual assignment (whatever version is waiting).
        var expectedVersion: Int?
        var employeeId: UUID
        var requiredSkills: Set<String>
        /// An admin's: skips the order, skills, presence and availability — never capacity or an
        /// inactive account.
        var manual: Bool
        var correlationId: UUID
        var causationId: UUID?
        /// The trace its proposal belongs to (nil: the event's cause's, `EncodedEvent`).
        var trace: TraceParent? = nil
    }

    /// An employee as a proposal checks them, their row locked: what they are and may take, and
    /// — once counted — what they hold.
    struct LockedEmployee: Sendable {
        var isEmployee: Bool, active: Bool, online: Bool, available: Bool, capacity: Int, skills: Set<String>, load = 0
    }

    /// Makes several proposals, in order, and publishes an `assignment.proposed` for each one
    /// made; returns what became of each. A round's planned proposals take one statement, which
    /// needs no transaction around it (`proposePlanned`). An admin's manual one carries whatever
    /// version is waiting and takes the general path, in the caller's transaction: the employees'
    /// rows are locked while their loads are counted, then the tasks' — each set in id order, so
    /// two rounds cannot deadlock — and a task leaves PENDING only while it waits (`propose(_:to:on:)`).
    /// So neither an expired Redis lock nor another replica can overfill an employee or propose
    /// a task twice.
    func propose(_ intents: [Intent], on connection: PostgresConnection) async throws -> [Result<AssignmentProposed, Refusal>] {
        guard !intents.isEmpty else { return [] }
        if intents.allSatisfy({ $0.expectedVersion != nil }) { return try await proposePlanned(intents, on: connection) }
        return try await propose(intents, to: try await lockEmployees(intents.map(\.employeeId), on: connection), on: connection)
    }

    /// Locks the rows of `ids` (in id order) for `propose(_:to:on:)`, in the caller's transaction.
    private func lockEmployees(_ ids: [UUID], on connection: PostgresConnection) async throws -> [UUID: LockedEmployee] {
        var employees: [UUID: LockedEmployee] = [:]
        guard !ids.isEmpty else { return employees }
        let rows = try await connection.rows(
            of: LockEmployees(
                query: """
                    SELECT id, is_employee, active, online, availability, capacity, skills FROM scheduler.employees
                    WHERE id = ANY(\(Array(Set(ids)))) ORDER BY id FOR UPDATE
                    """), logger: logger)
        for row in rows {
            let (id, isEmployee, active, online, availability, capacity, skills) = try row.decode(
                (UUID, Bool, Bool, Bool, String, Int, [String]).self
            )
            employees[id] = LockedEmployee(
                isEmployee: isEmployee, active: active, online: online, available: availability == Availability.available.rawValue,
                capacity: capacity, skills: Set(skills)
            )
        }
        return employees
    }

    /// `propose(_:on:)`'s general path, once the rows of every intent's employee are locked in
    /// this transaction: `locked` is what `lockEmployees` returned for them (an employee it does
    /// not hold is one that does not exist).
    private func propose(
        _ intents: [Intent], to locked: [UUID: LockedEmployee], on connection: PostgresConnection
    ) async throws -> [Result<AssignmentProposed, Refusal>] {
        guard !intents.isEmpty else { return [] }
        let employeeIds = Array(Set(intents.map(\.employeeId)))
        var employees = locked
        // The employees' loads, counted in a statement begun once their rows are locked: a
        // proposal to them that committed while this waited for a lock is counted, and no other
        // can commit until this transaction has. The same statement locks every intended task, in id order
        // (its first half counts them, so every one is locked) — a round trip fewer than locking
        // them on their own; a task whose proposal is refused below stays locked until the
        // commit, a few milliseconds.
        let loads = try await connection.rows(
            of: LoadsAndLockTasks(
                query: """
                    WITH locked AS MATERIALIZED (
                        SELECT id FROM scheduler.tasks WHERE id = ANY(\(intents.map(\.taskId))) ORDER BY id FOR UPDATE
                    )
                    SELECT NULL::uuid, count(*)::int FROM locked
                    UNION ALL
                    SELECT assignee_id, count(*)::int FROM scheduler.tasks
                    WHERE assignee_id = ANY(\(employeeIds)) AND stage IN \(unescaped: Self.holding) GROUP BY assignee_id
                    """), logger: logger)
        for row in loads {
            let (id, load) = try row.decode((UUID?, Int).self)
            if let id { employees[id]?.load = load }
        }

        var outcomes: [Result<AssignmentProposed, Refusal>?] = Array(repeating: nil, count: intents.count)
        var accepted: [(index: Int, reservation: UUID)] = []
        for (index, intent) in intents.enumerated() {
            if let refusal = Self.refusal(intent, employee: employees[intent.employeeId]) {
                outcomes[index] = .failure(refusal)
            } else {
                employees[intent.employeeId]?.load += 1
                accepted.append((index, UUID.random()))
            }
        }
        guard !accepted.isEmpty else { return outcomes.map { $0! } }

        // The tasks' rows were locked in id order above, before the update (an UPDATE … FROM
        // unnest takes them in whatever order its join runs), so two rounds — of two replicas, or
        // one round and one it left behind — always lock employees, then tasks, each by id, and
        // cannot deadlock.
        let chosen = accepted.map { intents[$0.index] }
        // A manual proposal takes whatever version is waiting, which its event must carry: the
        // tasks move first and their versions are read back.
        var versions: [UUID: Int] = [:]
        let moved = try await connection.rows(
            of: Propose(
                query: """
                    UPDATE scheduler.tasks t SET stage = 'PROPOSED', assignee_id = p.employee, reservation_id = p.reservation, updated_at = now()
                    FROM unnest(\(chosen.map(\.taskId))::uuid[], \(chosen.map(\.employeeId))::uuid[], \(accepted.map(\.reservation))::uuid[],
                                \(chosen.map { $0.expectedVersion ?? -1 })::int[]) AS p(task, employee, reservation, version)
                    WHERE t.id = p.task AND t.known AND t.stage = 'PENDING' AND (p.version = -1 OR t.version = p.version)
                    RETURNING t.id, t.version
                    """), logger: logger)
        for row in moved {
            let (id, version) = try row.decode((UUID, Int).self)
            versions[id] = version
        }

        var events: [EncodedEvent] = []
        var eventEmployees: [UUID] = []
        for (index, reservation) in accepted {
            let intent = intents[index]
            guard let version = versions[intent.taskId] else {
                outcomes[index] = .failure(.task(Self.notWaiting))
                continue
            }
            let (proposal, event) = try proposed(intent, reservation: reservation, version: version)
            events.append(event)
            eventEmployees.append(intent.employeeId)
            outcomes[index] = .success(proposal)
        }
        guard !events.isEmpty else { return outcomes.map { $0! } }
        // The employees' last offers and the proposals' events, in one statement.
        let written = try await connection.rows(
            of: Offered(
                query: """
                    WITH offered AS (
                        UPDATE scheduler.employees SET last_assigned_at = now(), proposals_made = proposals_made + 1
                        WHERE id = ANY(\(Array(Set(eventEmployees))))
                    )
                    INSERT INTO scheduler.outbox (event_id, event_type, body, traceparent)
                    SELECT id, type, body, NULLIF(traceparent, '')
                    FROM unnest(\(events.map(\.id))::uuid[], \(events.map(\.type))::text[], \(events.map(\.body))::text[],
                                \(events.map(\.traceparentText))::text[])
                        WITH ORDINALITY AS event(id, type, body, traceparent, n)
                    ORDER BY n
                    RETURNING event_id, position
                    """), logger: logger)
        outbox.written(events, positions: try Outbox.positions(written))
        return outcomes.map { $0! }
    }

    /// `propose(_:on:)` for a round's plan, whose proposals each name the version they were
    /// planned at — so their events are whole before anything moves — in one statement, which
    /// needs no transaction around it (docs/scheduling.md, step 4). It locks the intended
    /// employees' rows, then the tasks', each set in id order; counts the employees' loads; moves
    /// each task still waiting at its planned version to an employee who may still take it
    /// (active, online, AVAILABLE, with its skills) and has room — their load and the proposals
    /// before it in this round within their capacity; and writes the employees' last offers and
    /// the events of the tasks that moved.
    ///
    /// The loads are counted in the statement's snapshot, taken before its locks were granted: a
    /// proposal another round committed to one of these employees after it would not be counted.
    /// Every proposal bumps its employee's `proposals_made` in its own transaction, and `FOR
    /// UPDATE` returns the row as the last commit left it: the statement compares that count with
    /// the one its snapshot sees and moves nothing to an employee whose count changed — refused as
    /// `changedMeanwhile`, for the next round to plan again. Once locked, nobody else can propose
    /// to them until the statement commits.
    private func proposePlanned(
        _ intents: [Intent], on connection: PostgresConnection
    ) async throws
        -> [Result<AssignmentProposed, Refusal>]
    {
        var proposals: [AssignmentProposed] = []
        var events: [EncodedEvent] = []
        for intent in intents {
            // (Never -1 here: `propose` sends only planned intents; -1 would match no version.)
            let (proposal, event) = try proposed(intent, reservation: UUID.random(), version: intent.expectedVersion ?? -1)
            proposals.append(proposal)
            events.append(event)
        }
        let tasks = proposals.map(\.taskId), employees = proposals.map(\.employeeId)
        // Employees, then tasks, each locked in id order, and the update joins both, so no row is
        // updated before it is locked: two rounds cannot deadlock. (Today's plan happens to read
        // `intent`, and so `staff`, first; a hash join that fetched a row of `locked` before
        // building its table from `intent` would lock a task first. The guard in `locked` rules
        // that out whatever the plan.) The last branches read both
        // locks to their ends: every intended employee and task is locked until the commit.
        let rows = try await connection.rows(
            of: ProposePlanned(
                query: """
                    WITH seen AS MATERIALIZED (
                        SELECT id, proposals_made FROM scheduler.employees WHERE id = ANY(\(Array(Set(employees))))
                    ), staff AS MATERIALIZED (
                        SELECT id, proposals_made, is_employee, active, online, availability, capacity, skills
                        FROM scheduler.employees WHERE id = ANY(\(Array(Set(employees)))) ORDER BY id FOR UPDATE
                    ), locked AS MATERIALIZED (
                        -- Not one task before every employee: the count of `staff` is a condition
                        -- PostgreSQL checks once, before it reads the first task, whatever order
                        -- the update's join takes its inputs in.
                        SELECT id FROM scheduler.tasks WHERE id = ANY(\(tasks)) AND (SELECT count(*) FROM staff) >= 0
                        ORDER BY id FOR UPDATE
                    ), loads AS MATERIALIZED (
                        SELECT assignee_id AS employee, count(*)::int AS load FROM scheduler.tasks
                        WHERE assignee_id = ANY(\(Array(Set(employees)))) AND stage IN \(unescaped: Self.holding) GROUP BY assignee_id
                    ), intent AS MATERIALIZED (
                        SELECT p.*, s.capacity, row_number() OVER (PARTITION BY p.employee ORDER BY p.n) AS nth
                        FROM unnest(\(tasks)::uuid[], \(employees)::uuid[], \(proposals.map(\.reservationId))::uuid[],
                                    \(proposals.map(\.expectedVersion))::int[], \(events.map(\.id))::uuid[], \(events.map(\.type))::text[],
                                    \(events.map(\.body))::text[], \(events.map(\.traceparentText))::text[])
                            WITH ORDINALITY AS p(task, employee, reservation, version, event_id, type, body, traceparent, n)
                        JOIN staff s ON s.id = p.employee
                        JOIN seen ON seen.id = s.id AND seen.proposals_made = s.proposals_made
                        -- The task's skills as this statement sees it: an edit since moves the version on.
                        JOIN scheduler.tasks k ON k.id = p.task AND k.required_skills <@ s.skills
                        WHERE s.is_employee AND s.active AND s.online AND s.availability = 'AVAILABLE'
                    ), moved AS (
                        UPDATE scheduler.tasks t SET stage = 'PROPOSED', assignee_id = i.employee, reservation_id = i.reservation,
                            updated_at = now()
                        FROM intent i JOIN locked ON locked.id = i.task LEFT JOIN loads ON loads.employee = i.employee
                        WHERE t.id = i.task AND t.known AND t.stage = 'PENDING' AND t.version = i.version
                            AND coalesce(loads.load, 0) + i.nth <= i.capacity
                        RETURNING t.id, i.employee
                    ), offered AS (
                        UPDATE scheduler.employees SET last_assigned_at = now(), proposals_made = proposals_made + 1
                        WHERE id IN (SELECT employee FROM moved)
                    ), written AS (
                        INSERT INTO scheduler.outbox (event_id, event_type, body, traceparent)
                        SELECT event_id, type, body, NULLIF(traceparent, '') FROM intent WHERE (task, employee) IN (SELECT id, employee FROM moved)
                        ORDER BY n
                        RETURNING event_id, position
                    )
                    SELECT 0, event_id, position, NULL::bool, NULL::bool, NULL::bool, NULL::text, NULL::int, NULL::int, NULL::text[], NULL::bool
                    FROM written
                    UNION ALL
                    SELECT 1, s.id, NULL, s.is_employee, s.active, s.online, s.availability, s.capacity, coalesce(loads.load, 0), s.skills,
                        seen.proposals_made IS NOT DISTINCT FROM s.proposals_made
                    FROM staff s LEFT JOIN seen ON seen.id = s.id LEFT JOIN loads ON loads.employee = s.id
                    UNION ALL
                    SELECT 2, NULL, NULL, NULL, NULL, NULL, NULL, count(*)::int, NULL, NULL, NULL FROM locked
                    """), logger: logger)
        var positions: [UUID: Int64] = [:]
        var staff: [UUID: LockedEmployee] = [:]
        var changed: Set<UUID> = []
        for row in rows {
            let (kind, id, position, isEmployee, active, online, availability, capacity, load, skills, unchanged) = try row.decode(
                (Int, UUID?, Int64?, Bool?, Bool?, Bool?, String?, Int?, Int?, [String]?, Bool?).self)
            switch (kind, id) {
            case (0, let event?): positions[event] = position
            case (1, let employee?):
                staff[employee] = LockedEmployee(
                    isEmployee: isEmployee ?? false, active: active ?? false, online: online ?? false,
                    available: availability == Availability.available.rawValue, capacity: capacity ?? 0, skills: Set(skills ?? []),
                    load: load ?? 0)
                if unchanged != true { changed.insert(employee) }
            default: break
            }
        }
        // What the statement did with each, said as the general path says it: a proposal beyond
        // its employee's room is refused for that (their load counting this round's proposals
        // before it), one that did not move was no longer waiting at its version.
        var outcomes: [Result<AssignmentProposed, Refusal>] = []
        for (intent, (proposal, event)) in zip(intents, zip(proposals, events)) {
            let employee = intent.employeeId
            if positions[event.id] != nil {
                outcomes.append(.success(proposal))
            } else if changed.contains(employee) {
                outcomes.append(.failure(.employee(Self.changedMeanwhile)))
                continue
            } else if let refusal = Self.refusal(intent, employee: staff[employee]) {
                outcomes.append(.failure(refusal))
                continue
            } else {
                outcomes.append(.failure(.task(Self.notWaiting)))
            }
            staff[employee]?.load += 1
        }
        outbox.written(events, positions: positions)
        return outcomes
    }

    /// Why `intent` cannot go to `employee` (their row as locked, with what they hold counted):
    /// an unknown, non-employee, deactivated or full account — and, unless an admin asked, an
    /// employee offline, away or without a required skill.
    private static func refusal(_ intent: Intent, employee: LockedEmployee?) -> Refusal? {
        let target = employee.map {
            AssignmentPolicy.ManualTarget(isEmployee: $0.isEmployee, active: $0.active, capacity: $0.capacity, load: $0.load)
        }
        if let refusal = AssignmentPolicy.refusal(employee: target) { return .employee(refusal) }
        guard let employee, !intent.manual else { return nil }
        if !employee.online { return .employee("offline") }
        if !employee.available { return .employee("away") }
        if !intent.requiredSkills.isSubset(of: employee.skills) { return .employee("lacks a required skill") }
        return nil
    }

    /// The proposal of `intent` at `version` and its event.
    private func proposed(_ intent: Intent, reservation: UUID, version: Int) throws -> (AssignmentProposed, EncodedEvent) {
        let proposal = AssignmentProposed(
            taskId: intent.taskId, employeeId: intent.employeeId, reservationId: reservation, expectedVersion: version,
            reservationSeconds: reservationTimeout?.seconds
        )
        let event = try EncodedEvent(
            EventEnvelope(source: "scheduler", correlationId: intent.correlationId, causationId: intent.causationId, data: proposal),
            trace: intent.trace)
        return (proposal, event)
    }
}

// The round's statements, prepared once per connection: a busy scheduler runs them every round.
private struct ReadRoundInputs: PreparedSQL { let query: PostgresQuery }
private struct CreatedWithRoundInputs: PreparedSQL { let query: PostgresQuery }
private struct LockEmployees: PreparedSQL { let query: PostgresQuery }
private struct LoadsAndLockTasks: PreparedSQL { let query: PostgresQuery }
private struct Propose: PreparedSQL { let query: PostgresQuery }
private struct Offered: PreparedSQL { let query: PostgresQuery }
private struct ProposePlanned: PreparedSQL { let query: PostgresQuery }
