import EventBackbone
import EventContracts
import Foundation
import KeyValueStore
import Logging
import PostgresNIO
import Resilience
import ScratchDatabase
import ServiceRuntime
import Testing

@testable import SchedulerService

/// A `task.created` arriving alone while no round runs: the view and the message's claim commit
/// in one statement with the round's read, and the round it makes possible follows at once
/// (`Assigner.created`, docs/scheduling.md).
@Suite(
    .enabled(
        if: ScratchDatabase.isConfigured && ProcessInfo.processInfo.environment["ORCH_TEST_REDIS_URL"] != nil,
        "needs the test database and Redis"),
    .serialized)
struct AssignerTests {
    let logger = Logger(label: "assigner-test")
    let ready = UUID()

    /// A scratch scheduler schema with one employee ready for skill `a` (capacity 2), and an
    /// assigner over it and the test Redis.
    func withAssigner(
        _ environment: [String: String] = [:], redisURL: String? = nil, _ body: @Sendable (Assigner, PostgresClient) async throws -> Void
    ) async throws {
        try await ScratchDatabase.with(schema: "scheduler", migrations: SchedulerService.descriptor.migrations, prefix: "assigner") {
            client in
            try await client.query(
                """
                INSERT INTO scheduler.employees (id, username, full_name, is_employee, active, online, availability, capacity, skills)
                VALUES (\(ready), 'ready', 'R', true, true, true, 'AVAILABLE', 2, '{a}')
                """,
                logger: logger
            )
            let redis = RedisConnection(
                url: try RedisURL(parsing: redisURL ?? ProcessInfo.processInfo.environment["ORCH_TEST_REDIS_URL"]!), logger: logger)
            let store = SchedulerStore(client: client, logger: logger)
            let settings = try SchedulerSettings(EnvironmentReader(environment))
            try await body(Assigner(store: store, redis: redis, settings: settings, logger: logger), client)
        }
    }

    func created(skills: [String] = ["a"]) -> EventEnvelope<TaskCreated> {
        EventEnvelope(
            source: "tasks", correlationId: UUID(), causationId: nil,
            data: TaskCreated(
                taskId: UUID(), version: 1, name: "new", priority: 2, requiredSkills: skills, maxAttempts: 3, createdBy: UUID()))
    }

    func claim(_ event: EventEnvelope<TaskCreated>) -> InboxClaim {
        InboxClaim(inbox: "scheduler.inbox", queue: "scheduler.events", ids: [event.id])
    }

    func first(_ assigner: Assigner, _ event: EventEnvelope<TaskCreated>, _ client: PostgresClient) async throws -> FirstTryOutcome {
        try await client.withConnection { try await assigner.created(event, claim: claim(event), on: $0) }
    }

    func value(_ sql: String, _ client: PostgresClient) async throws -> String? {
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect()
        return try rows.first?.decode(String?.self)
    }

    /// The task's stage and assignee, and how many proposals for it the outbox holds.
    func state(of task: UUID, _ client: PostgresClient) async throws -> (stage: String?, assignee: String?, proposals: String?) {
        (
            try await value("SELECT stage FROM scheduler.tasks WHERE id = '\(task)'", client),
            try await value("SELECT assignee_id::text FROM scheduler.tasks WHERE id = '\(task)'", client),
            try await value("SELECT count(*)::text FROM scheduler.outbox WHERE body::jsonb #>> '{data,taskId}' = '\(task)'", client)
        )
    }

    func claimed(_ event: EventEnvelope<TaskCreated>, _ client: PostgresClient) async throws -> Bool {
        try await value("SELECT count(*)::text FROM scheduler.inbox WHERE message_id = '\(event.id)'", client) == "1"
    }

    @Test func aTaskCreatedWhileNoRoundRunsIsProposedRightAfterTheStatementThatClaimsIt() async throws {
        try await withAssigner { assigner, client in
            // The round is a whole one: a task waiting from before is planned with the new one.
            let older = UUID()
            try await client.query(
                """
                INSERT INTO scheduler.tasks (id, known, name, priority, required_skills, stage, version, last_event, created_at)
                VALUES (\(older), true, 'o', 1, '{a}', 'PENDING', 1, 'task.created', now() - interval '1 minute')
                """,
                logger: logger
            )
            let event = created()
            #expect(try await first(assigner, event, client) == .handledAndFollowedUp)
            let stored = try await state(of: event.data.taskId, client)
            #expect(stored.stage == "PROPOSED" && stored.assignee == ready.uuidString.lowercased() && stored.proposals == "1")
            #expect(try await state(of: older, client).stage == "PROPOSED")
            #expect(try await claimed(event, client))
            // A redelivery finds the view: nothing written, the usual way decides.
            #expect(try await first(assigner, event, client) == .declined)
            #expect(try await state(of: event.data.taskId, client).proposals == "1")
        }
    }

    @Test func aTaskNobodyCanTakeJoinsTheQueueAndNeedsNoOtherRound() async throws {
        try await withAssigner { assigner, client in
            let event = created(skills: ["b"])
            #expect(try await first(assigner, event, client) == .handledAndFollowedUp)
            let stored = try await state(of: event.data.taskId, client)
            #expect(stored.stage == "PENDING" && stored.assignee == nil && stored.proposals == "0")
            #expect(try await claimed(event, client))
        }
    }

    @Test func whileARoundRunsTheTaskJoinsTheQueueAloneAndTheRoundIsToldToLookAgain() async throws {
        try await withAssigner { assigner, client in
            #expect(assigner.gate.enter())
            let event = created()
            // Handled, and the consumer wakes the assigner after its commit, as after any creation.
            #expect(try await first(assigner, event, client) == .handled)
            let stored = try await state(of: event.data.taskId, client)
            #expect(stored.stage == "PENDING" && stored.proposals == "0")
            #expect(try await claimed(event, client))
            #expect(assigner.gate.leave())
        }
    }

    @Test func withDeliveriesWaitingBehindItTheTaskJoinsTheQueueAloneAndLeavesTheRoundToTheAssigner() async throws {
        try await withAssigner { assigner, client in
            let event = created()
            let outcome = try await EventConsumer.$waitingBehind.withValue(2) { try await first(assigner, event, client) }
            // Handled, not followed up: the consumer wakes the assigner after its commit.
            #expect(outcome == .handled)
            let stored = try await state(of: event.data.taskId, client)
            #expect(stored.stage == "PENDING" && stored.proposals == "0")
            #expect(try await claimed(event, client))
            // The gate is free, and the assigner's round offers the task to the employee.
            #expect(assigner.gate.enter())
            _ = assigner.gate.leave()
            #expect(try await assigner.round() == false)
            let proposed = try await state(of: event.data.taskId, client)
            #expect(proposed.stage == "PROPOSED" && proposed.assignee == ready.uuidString.lowercased() && proposed.proposals == "1")
        }
    }

    @Test func aClaimTakenMeanwhileFailsTheWholeStatement() async throws {
        try await withAssigner { assigner, client in
            let event = created()
            try await client.query(
                "INSERT INTO scheduler.inbox (queue, message_id) VALUES ('scheduler.events', \(event.id))", logger: logger)
            await #expect(throws: (any Error).self) { try await first(assigner, event, client) }
            let stored = try await state(of: event.data.taskId, client)
            #expect(stored.stage == nil && stored.proposals == "0")
            // The gate was left: the next creation gets its round.
            let next = created()
            #expect(try await first(assigner, next, client) == .handledAndFollowedUp)
            #expect(try await state(of: next.data.taskId, client).stage == "PROPOSED")
        }
    }

    @Test func theCreationsRoundReleasesItsLocks() async throws {
        try await withAssigner { assigner, client in
            let event = created()
            #expect(try await first(assigner, event, client) == .handledAndFollowedUp)
            let redis = RedisConnection(
                url: try RedisURL(parsing: ProcessInfo.processInfo.environment["ORCH_TEST_REDIS_URL"]!), logger: logger)
            for key in ["scheduler:lock:task:\(event.data.taskId)", "scheduler:lock:employee:\(ready)"] {
                #expect(try await redis.send(["EXISTS", key]) == .integer(0), "\(key) is still held")
            }
        }
    }

    /// A pair whose task another replica holds the Redis lock of is not proposed.
    @Test func aTaskWhoseLockAnotherReplicaHoldsIsNotProposed() async throws {
        try await withAssigner { assigner, client in
            let event = created()
            let redis = RedisConnection(
                url: try RedisURL(parsing: ProcessInfo.processInfo.environment["ORCH_TEST_REDIS_URL"]!), logger: logger)
            let key = "scheduler:lock:task:\(event.data.taskId)"
            try await redis.send(["SET", key, "another-replica", "PX", "10000"])
            // Planned, not made: the assigner is asked to plan again.
            #expect(try await first(assigner, event, client) == .handled)
            #expect(try await state(of: event.data.taskId, client) == ("PENDING", nil, "0"))
            #expect(try await redis.send(["GET", key]) == .string("another-replica"))
            try await redis.send(["DEL", key])
            #expect(try await assigner.round() == false)
            #expect(try await state(of: event.data.taskId, client) == ("PROPOSED", ready.uuidString.lowercased(), "1"))
        }
    }

    /// With Redis down, rounds go on without its locks (the database keeps them correct).
    @Test func withRedisDownRoundsProposeWithoutLocks() async throws {
        try await withAssigner(redisURL: "redis://127.0.0.1:1") { assigner, client async throws in
            for _ in 0..<2 {
                let event = created()
                #expect(try await first(assigner, event, client) == .handledAndFollowedUp)
                #expect(try await state(of: event.data.taskId, client).stage == "PROPOSED")
            }
        }
    }

    /// A creation's round stuck on a lock (as on a query PostgreSQL's restart cut) is given up
    /// after the round timeout, and the next creation gets its round: the gate was not kept. The
    /// task's view and the claim had committed before: the delivery is handled, the stuck task
    /// waits for the assigner. (The stuck round's Redis locks are left to expire: short-lived here.)
    @Test func aStuckCreationsRoundIsGivenUpAndTheNextOneRuns() async throws {
        try await withAssigner(["ORCH_SCHEDULER_ROUND_TIMEOUT": "1s", "ORCH_SCHEDULER_LOCK_TTL": "200ms"]) { assigner, client in
            let stuck = created()
            try await client.withConnection { blocker in
                try await blocker.query("BEGIN", logger: logger)
                try await blocker.query("SELECT id FROM scheduler.employees WHERE id = \(ready) FOR UPDATE", logger: logger)
                // Given up by the assigner's own limit (1 s), not the test's (which stops a hang).
                let clock = ContinuousClock()
                let began = clock.now
                #expect(try await withDeadline(.seconds(5)) { try await first(assigner, stuck, client) } == .handled)
                #expect(clock.now - began >= .seconds(1))
                try await blocker.query("ROLLBACK", logger: logger)
            }
            // Its view and claim committed. (The given-up statement itself may still commit once the
            // lock is free — PostgreSQL finds its client gone only when it answers — and propose
            // the task: every check is in the statement, so that is as safe as any round.)
            #expect(try await state(of: stuck.data.taskId, client).stage != nil)
            #expect(try await claimed(stuck, client))
            #expect(assigner.gate.enter())
            _ = assigner.gate.leave()
            try await Task.sleep(for: .milliseconds(300))
            let next = created()
            #expect(try await first(assigner, next, client) != .declined)
            if try await state(of: next.data.taskId, client).stage != "PROPOSED" { _ = try await assigner.round() }
            // Both offered to the employee (capacity 2), each once.
            for task in [stuck, next] {
                #expect(try await state(of: task.data.taskId, client) == ("PROPOSED", ready.uuidString.lowercased(), "1"))
            }
        }
    }
}
