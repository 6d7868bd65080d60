import EventContracts
import Foundation
import Logging
import Persistence
import PostgresNIO
import ScratchDatabase
import Testing

@testable import SchedulerService

/// The round's statements against a real PostgreSQL: its one read of the queue and the team, and
/// its proposals — a planned one moves its task and writes its event only at the version the plan
/// saw, a manual one carries whatever version is waiting.
@Suite(.enabled(if: ScratchDatabase.isConfigured, "needs the test database"), .serialized)
struct RoundStatementTests {
    let ready = UUID(), offline = UUID(), full = UUID()
    let waiting = UUID(), renewed = UUID(), proposed = UUID(), unknown = UUID()

    /// A scratch database with the scheduler schema migrated and a small team and queue:
    /// `ready` (capacity 3, holding `proposed`), `offline`, `full` (capacity 1, holding one);
    /// `waiting` at version 1, `renewed` at version 3, `unknown` waiting without its creation.
    func withStore(_ body: @Sendable (SchedulerStore, PostgresClient) async throws -> Void) async throws {
        try await ScratchDatabase.with(schema: "scheduler", migrations: SchedulerService.descriptor.migrations, prefix: "rounds") {
            client in
            let logger = Logger(label: "round-test")
            try await seed(client, logger)
            try await body(SchedulerStore(client: client, logger: logger), client)
        }
    }

    func seed(_ client: PostgresClient, _ logger: Logger) async throws {
        let heldElsewhere = UUID()
        try await client.query(
            """
            INSERT INTO scheduler.employees (id, username, full_name, is_employee, active, online, availability, capacity, skills)
            VALUES (\(ready), 'ready', 'R', true, true, true, 'AVAILABLE', 3, '{a}'),
                   (\(offline), 'offline', 'O', true, true, false, 'AVAILABLE', 2, '{a}'),
                   (\(full), 'full', 'F', true, true, true, 'AVAILABLE', 1, '{}')
            """,
            logger: logger
        )
        try await client.query(
            """
            INSERT INTO scheduler.tasks (id, known, name, priority, required_skills, stage, version, last_event, assignee_id, created_at)
            VALUES (\(waiting), true, 'w', 3, '{a}', 'PENDING', 1, 'task.created', NULL, now() - interval '2 minutes'),
                   (\(renewed), true, 'r', 2, '{}', 'PENDING', 3, 'task.requeued', NULL, now() - interval '1 minute'),
                   (\(unknown), false, '', 5, '{}', 'PENDING', 2, 'task.assigned', NULL, now()),
                   (\(proposed), true, 'p', 1, '{}', 'PROPOSED', 2, 'task.created', \(ready), now()),
                   (\(heldElsewhere), true, 'h', 1, '{}', 'IN_PROGRESS', 4, 'task.accepted', \(full), now())
            """,
            logger: logger
        )
    }

    func intent(_ task: UUID, version: Int?, to employee: UUID) -> SchedulerStore.Intent {
        SchedulerStore.Intent(
            taskId: task, expectedVersion: version, employeeId: employee, requiredSkills: [], manual: version == nil,
            correlationId: UUID(), causationId: nil
        )
    }

    func refusal(_ outcome: Result<AssignmentProposed, SchedulerStore.Refusal>) -> SchedulerStore.Refusal? {
        if case .failure(let refusal) = outcome { refusal } else { nil }
    }

    /// The proposals in the outbox: task id → the version the event carries.
    func outbox(_ client: PostgresClient) async throws -> [UUID: Int] {
        var events: [UUID: Int] = [:]
        for try await body in try await client.query("SELECT body FROM scheduler.outbox", logger: Logger(label: "round-test")).decode(
            String.self)
        {
            let event = try EventCoding.decode(AssignmentProposed.self, from: Array(body.utf8))
            events[event.data.taskId] = event.data.expectedVersion
        }
        return events
    }

    func stage(of task: UUID, _ client: PostgresClient) async throws -> String? {
        let rows = try await client.query("SELECT stage FROM scheduler.tasks WHERE id = \(task)", logger: Logger(label: "round-test"))
        for try await stage in rows.decode(String.self) { return stage }
        return nil
    }

    /// How many sessions of the scratch database wait for a lock, once one does — looked for up
    /// to 10 s (0 if none did by then; the callers let the holder go either way, so a failure
    /// cannot hang the suite).
    func sessionsWaitingForALock(_ client: PostgresClient) async throws -> Int {
        var blocked = 0
        for _ in 0..<1_000 where blocked == 0 {
            let rows = try await client.query(
                "SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
                logger: Logger(label: "round-test"))
            for try await count in rows.decode(Int.self) { blocked = count }
            if blocked == 0 { try await Task.sleep(for: .milliseconds(10)) }
        }
        return blocked
    }

    @Test func theRoundReadsTheWaitingTasksAndWhoCouldTakeOneInOneStatement() async throws {
        try await withStore { store, client in
            let inputs = try await store.roundInputs(limit: 10)
            let (queue, candidates) = (inputs.queue, inputs.candidates)
            #expect(Set(queue.map(\.id)) == [waiting, renewed])
            #expect(queue.first { $0.id == renewed }?.version == 3)
            #expect(queue.first { $0.id == waiting }?.requiredSkills == ["a"])
            // Offline and full employees are no candidates; the ready one counts what they hold.
            #expect(candidates.map(\.id) == [ready])
            #expect(candidates.first?.load == 1)
            #expect(candidates.first?.capacity == 3)
            #expect(candidates.first?.skills == ["a"])

            let limited = try await store.roundInputs(limit: 1)
            #expect(limited.queue.map(\.id) == [renewed])  // base priority first

            try await client.query(
                "UPDATE scheduler.tasks SET stage = 'CANCELLED' WHERE stage = 'PENDING'", logger: Logger(label: "round-test"))
            let idle = try await store.roundInputs(limit: 10)
            #expect(idle.queue.isEmpty)
            #expect(idle.candidates.isEmpty)  // nobody is read when nothing waits
        }
    }

    @Test func aPlannedProposalMovesItsTaskAndWritesItsEventOnlyAtTheVersionThePlanSaw() async throws {
        try await withStore { store, client in
            let outcomes = try await client.transaction(logger: Logger(label: "round-test")) { connection in
                try await store.propose(
                    [intent(waiting, version: 1, to: ready), intent(renewed, version: 2, to: ready)], on: connection
                )
            }
            #expect((try? outcomes[0].get())?.expectedVersion == 1)
            #expect(refusal(outcomes[1]) == .task(SchedulerStore.notWaiting))
            #expect(try await outbox(client) == [waiting: 1])
            #expect(try await stage(of: waiting, client) == "PROPOSED")
            #expect(try await stage(of: renewed, client) == "PENDING")
            let offered = try await client.query(
                "SELECT id FROM scheduler.employees WHERE last_assigned_at IS NOT NULL", logger: Logger(label: "round-test")
            )
            var employees: [UUID] = []
            for try await id in offered.decode(UUID.self) { employees.append(id) }
            #expect(employees == [ready])
        }
    }

    @Test func aPlannedProposalForATaskNoLongerWaitingWritesNothing() async throws {
        try await withStore { store, client in
            let outcomes = try await client.transaction(logger: Logger(label: "round-test")) { connection in
                try await store.propose([intent(proposed, version: 2, to: ready), intent(unknown, version: 2, to: ready)], on: connection)
            }
            #expect(outcomes.map(refusal) == [.task(SchedulerStore.notWaiting), .task(SchedulerStore.notWaiting)])
            #expect(try await outbox(client).isEmpty)
            let offered = try await client.query(
                "SELECT count(*)::int FROM scheduler.employees WHERE last_assigned_at IS NOT NULL", logger: Logger(label: "round-test")
            )
            for try await count in offered.decode(Int.self) { #expect(count == 0) }
        }
    }

    /// A round's proposals to one employee stop at their room — what they hold and the round's
    /// earlier proposals to them — and only the tasks that moved get an event: `ready` (capacity
    /// 3) holds one task and takes two more; `full` takes none.
    @Test func aRoundsProposalsToAnEmployeeStopAtTheirRoom() async throws {
        try await withStore { store, client in
            let logger = Logger(label: "round-test")
            let third = UUID()
            try await client.query(
                """
                INSERT INTO scheduler.tasks (id, known, name, priority, required_skills, stage, version, last_event, created_at)
                VALUES (\(third), true, 't', 3, '{}', 'PENDING', 1, 'task.created', now())
                """, logger: logger)
            let outcomes = try await client.transaction(logger: logger) { connection in
                try await store.propose(
                    [
                        intent(waiting, version: 1, to: ready), intent(renewed, version: 3, to: full),
                        intent(renewed, version: 3, to: ready), intent(third, version: 1, to: ready),
                    ], on: connection)
            }
            #expect((try? outcomes[0].get())?.expectedVersion == 1)
            #expect(refusal(outcomes[1]) == .employee("the employee is at capacity (1/1)"))
            #expect((try? outcomes[2].get())?.employeeId == ready)
            #expect(refusal(outcomes[3]) == .employee("the employee is at capacity (3/3)"))
            #expect(try await outbox(client) == [waiting: 1, renewed: 3])
            #expect(try await stage(of: third, client) == "PENDING")
            let held = try await client.query(
                "SELECT count(*)::int FROM scheduler.tasks WHERE assignee_id = \(ready) AND stage = 'PROPOSED'", logger: logger)
            for try await count in held.decode(Int.self) { #expect(count == 3) }
        }
    }

    /// A planned proposal moves nothing to an employee who, by the time their row is locked,
    /// cannot take the task: offline, away, or without one of its skills.
    @Test func aPlannedProposalToAnEmployeeWhoCannotTakeItNowMovesNothing() async throws {
        try await withStore { store, client in
            let logger = Logger(label: "round-test")
            let away = UUID(), unskilled = UUID()
            try await client.query(
                """
                INSERT INTO scheduler.employees (id, username, full_name, is_employee, active, online, availability, capacity, skills)
                VALUES (\(away), 'away', 'A', true, true, true, 'AWAY', 2, '{a}'),
                       (\(unskilled), 'unskilled', 'U', true, true, true, 'AVAILABLE', 2, '{b}')
                """, logger: logger)
            func planned(_ task: UUID, version: Int, to employee: UUID, skills: Set<String>) -> SchedulerStore.Intent {
                var intent = intent(task, version: version, to: employee)
                intent.requiredSkills = skills
                return intent
            }
            // No transaction around it: the planned path is one autocommitted statement.
            let outcomes = try await client.withConnection { connection in
                try await store.propose(
                    [
                        planned(waiting, version: 1, to: offline, skills: ["a"]), planned(waiting, version: 1, to: away, skills: ["a"]),
                        planned(waiting, version: 1, to: unskilled, skills: ["a"]),
                    ], on: connection)
            }
            #expect(outcomes.map(refusal) == [.employee("offline"), .employee("away"), .employee("lacks a required skill")])
            #expect(try await outbox(client).isEmpty)
            #expect(try await stage(of: waiting, client) == "PENDING")
        }
    }

    /// Two rounds (of two replicas whose Redis locks lapsed) propose to the same employee, who has
    /// room for one: the second's statement, begun before the first commits, waits for the first's
    /// lock on the employee. Its snapshot cannot count what the first proposed, so it sees that the
    /// employee's count of proposals changed after it and moves nothing to them; the next round
    /// counts it. The same when the first is an admin's manual assignment.
    @Test(arguments: [false, true])
    func aProposalThatWaitedForAnotherRoundOnItsEmployeeMovesNothingToThem(firstIsManual: Bool) async throws {
        try await withStore { store, client in
            let logger = Logger(label: "round-test")
            let single = UUID()
            try await client.query(
                """
                INSERT INTO scheduler.employees (id, username, full_name, is_employee, active, online, availability, capacity, skills)
                VALUES (\(single), 'single', 'S', true, true, true, 'AVAILABLE', 1, '{a}')
                """, logger: logger)
            let (proposed, firstProposed) = AsyncStream.makeStream(of: Void.self)
            let (mayCommit, letCommit) = AsyncStream.makeStream(of: Void.self)
            let first = Task {
                try await client.transaction(logger: logger) { connection in
                    let outcomes = try await store.propose(
                        [intent(waiting, version: firstIsManual ? nil : 1, to: single)], on: connection)
                    firstProposed.yield()
                    for await _ in mayCommit { break }
                    return outcomes
                }
            }
            for await _ in proposed { break }
            let second = Task {
                try await client.withConnection { connection in
                    try await store.propose([intent(renewed, version: 3, to: single)], on: connection)
                }
            }
            // The second round waits for the employee's row lock.
            let blocked = try await sessionsWaitingForALock(client)
            letCommit.yield()
            #expect(blocked == 1, "the second round never waited for the employee's lock")
            #expect((try? (try await first.value)[0].get())?.expectedVersion == 1)
            #expect(try await second.value.map(refusal) == [.employee(SchedulerStore.changedMeanwhile)])
            #expect(try await outbox(client) == [waiting: 1])
            #expect(try await stage(of: renewed, client) == "PENDING")
            // The next round sees the first's proposal and refuses for the employee's room.
            let next = try await client.withConnection { connection in
                try await store.propose([intent(renewed, version: 3, to: single)], on: connection)
            }
            #expect(next.map(refusal) == [.employee("the employee is at capacity (1/1)")])
            #expect(try await outbox(client) == [waiting: 1])
        }
    }

    /// The planned proposals' statement locks every employee before any task (the order every
    /// path takes, so two of them cannot deadlock): while it waits for an employee's row, the
    /// task it will move is still free for anyone to lock.
    @Test func aRoundLocksItsEmployeesBeforeAnyTask() async throws {
        try await withStore { store, client in
            let logger = Logger(label: "round-test")
            try await client.withConnection { blocker in
                try await blocker.query("BEGIN", logger: logger)
                try await blocker.query("SELECT id FROM scheduler.employees WHERE id = \(ready) FOR UPDATE", logger: logger)
                let round = Task {
                    try await client.withConnection { connection in
                        // As the scheduler's sessions plan it (`ServiceDescriptor.genericPlans`).
                        // (This test's scratch database and pool are its own.)
                        try await connection.query("SET plan_cache_mode = force_generic_plan", logger: logger)
                        return try await store.propose([intent(waiting, version: 1, to: ready)], on: connection)
                    }
                }
                let blocked = try await sessionsWaitingForALock(client)
                #expect(blocked == 1, "the round never waited for the employee's lock")
                // The task is not locked yet: another session takes it without waiting.
                let free = try await client.withConnection { other in
                    try await other.query("BEGIN", logger: logger)
                    let free: Bool
                    do {
                        _ = try await other.query(
                            "SELECT id FROM scheduler.tasks WHERE id = \(waiting) FOR UPDATE NOWAIT", logger: logger
                        ).collect()
                        free = true
                    } catch {
                        free = false
                    }
                    try await other.query("ROLLBACK", logger: logger)
                    return free
                }
                #expect(free, "the round locked the task before the employee")
                try await blocker.query("ROLLBACK", logger: logger)
                #expect((try? (try await round.value)[0].get())?.expectedVersion == 1)
            }
        }
    }

    @Test func aManualProposalCarriesWhateverVersionIsWaiting() async throws {
        try await withStore { store, client in
            let outcomes = try await client.transaction(logger: Logger(label: "round-test")) { connection in
                try await store.propose([intent(renewed, version: nil, to: full)], on: connection)
            }
            // `full` is at capacity: a manual assignment never overfills.
            #expect(outcomes.map(refusal) == [.employee("the employee is at capacity (1/1)")])
            #expect(try await outbox(client).isEmpty)
            let second = try await client.transaction(logger: Logger(label: "round-test")) { connection in
                try await store.propose([intent(renewed, version: nil, to: offline)], on: connection)
            }
            #expect((try? second[0].get())?.expectedVersion == 3)
            #expect(try await outbox(client) == [renewed: 3])
            #expect(try await stage(of: renewed, client) == "PROPOSED")
        }
    }
}
