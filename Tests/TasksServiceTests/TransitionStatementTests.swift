import EventBackbone
import EventContracts
import Foundation
import Logging
import Persistence
import PostgresNIO
import ScratchDatabase
import Testing

@testable import TasksService

/// The one-statement transition against a real PostgreSQL: for every action from every status it
/// succeeds exactly when the pure `TaskLifecycle` allows it, and writes all of its parts (the row
/// at the next version, one audit row, the events) or none of them.
@Suite(.enabled(if: ScratchDatabase.isConfigured, "needs the test database"), .serialized)
struct TransitionStatementTests {
    typealias Lifecycle = TaskLifecycle

    /// A scratch database with the tasks schema migrated, dropped afterwards.
    func withRepository(_ body: @Sendable (TaskRepository, PostgresClient) async throws -> Void) async throws {
        try await ScratchDatabase.with(schema: "tasks", migrations: TasksService.descriptor.migrations, prefix: "transitions") { client in
            try await body(TaskRepository(client: client, logger: Logger(label: "transition-test")), client)
        }
    }

    static let actions: [Lifecycle.Action] = [
        .assign(employeeId: UUID(), reservationId: UUID(), expiresAt: Date(timeIntervalSince1970: 1_900_000_000)), .accept, .progress(40),
        .complete, .fail, .requeue(.reservationExpired), .requeue(.employeeGone), .requeue(.declined), .requeue(.retry), .flag,
        .cancel, .retry, .edit(TaskEdit(priority: 1, description: "edited", dueAt: .some(nil), requiredSkills: ["billing"])),
    ]

    /// A task in `status` at version 7, written straight into the table.
    func task(in status: TaskStatus, _ repository: TaskRepository, _ client: PostgresClient) async throws -> TaskRecord {
        let now = Date.nowToTheMillisecond
        let id = UUID(), admin = UUID()
        let record = TaskRecord(
            id: id, name: "t", description: "", priority: 3, requiredSkills: [], status: .pending, assigneeId: nil, reservationId: nil,
            attempt: 1, maxAttempts: 3, progress: 0, flagged: false, dueAt: nil, offerExpiresAt: nil, version: 1, createdBy: admin,
            createdAt: now, updatedAt: now
        )
        _ = try await repository.create(record, idempotency: nil, correlationId: UUID())
        let holder: UUID? = [.assigned, .inProgress, .completed, .failed].contains(status) ? UUID() : nil
        let reservation: UUID? = status == .assigned ? UUID() : nil
        try await client.query(
            """
            UPDATE tasks.tasks SET status = \(status.rawValue), assignee_id = \(holder), reservation_id = \(reservation), version = 7
            WHERE id = \(id)
            """,
            logger: Logger(label: "transition-test")
        )
        return try #require(try await repository.find(id))
    }

    func counts(_ id: UUID, _ client: PostgresClient) async throws -> (audit: Int, outbox: Int) {
        let rows = try await client.query(
            """
            SELECT (SELECT count(*)::int FROM tasks.audit WHERE task_id = \(id)),
                   (SELECT count(*)::int FROM tasks.outbox WHERE body LIKE \("%" + id.uuidString + "%"))
            """,
            logger: Logger(label: "transition-test")
        ).collect()
        return try rows[0].decode((Int, Int).self)
    }

    @Test func theStatementAgreesWithThePureRulesForEveryActionFromEveryStatus() async throws {
        try await withRepository { repository, client in
            for status in TaskStatus.allCases {
                for action in Self.actions {
                    let before = try await task(in: status, repository, client)
                    let (audits, events) = try await counts(before.id, client)
                    let allowed = (try? Lifecycle.apply(action, to: before.lifecycle)) != nil
                    let marker = EncodedEventMarker(taskId: before.id)
                    do {
                        let change = try await repository.transition(before.id, action, actor: nil, events: { _ in [try marker.event()] })
                        #expect(allowed, "\(action.name) from \(status) was written though the rules refuse it")
                        let after = try #require(try await repository.find(before.id))
                        #expect(
                            after.version == 8 && after.status == change.after.status && after.offerExpiresAt == change.after.offerExpiresAt
                        )
                        #expect(try await counts(before.id, client) == (audits + 1, events + 1))
                    } catch TransitionFailure.conflict(let current, let version) {
                        #expect(!allowed, "\(action.name) from \(status) was refused though the rules allow it")
                        #expect(current == status && version == 7)
                        #expect(try await counts(before.id, client) == (audits, events), "a refused \(action.name) wrote something")
                    }
                }
            }
        }
    }

    @Test func ofManyActionsRacingFromOneReadExactlyOneIsWritten() async throws {
        try await withRepository { repository, client in
            let before = try await task(in: .inProgress, repository, client)
            let (audits, events) = try await counts(before.id, client)
            let marker = EncodedEventMarker(taskId: before.id)
            // Each reads version 7, so the lifecycle allows every one; only the statement's
            // `WHERE version = 7` keeps all but the first from writing.
            let won = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        do {
                            _ = try await repository.transition(before.id, .complete, actor: nil, events: { _ in [try marker.event()] })
                            return true
                        } catch TransitionFailure.conflict(let status, let version) {
                            #expect(status == .completed && version == 8)
                            return false
                        }
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(won == 1)
            #expect(try await counts(before.id, client) == (audits + 1, events + 1))
            #expect(try await repository.find(before.id)?.version == 8)
        }
    }

    @Test func aStaleVersionWritesNothing() async throws {
        try await withRepository { repository, client in
            let before = try await task(in: .inProgress, repository, client)
            let (audits, events) = try await counts(before.id, client)
            await #expect(throws: TransitionFailure.stale(current: .inProgress, version: 7)) {
                _ = try await repository.transition(before.id, .complete, actor: nil, expectedVersion: 6, events: { _ in [] })
            }
            #expect(try await counts(before.id, client) == (audits, events))
            #expect(try await repository.find(before.id)?.version == 7)
        }
    }

    @Test func anEditWritesTheDetailsItSetsAndNoOtherTransitionTouchesThem() async throws {
        try await withRepository { repository, client in
            let before = try await task(in: .assigned, repository, client)
            let due = Date.nowToTheMillisecond.addingTimeInterval(3_600)
            try await client.query(
                "UPDATE tasks.tasks SET due_at = now() - interval '1 hour', overdue_published = true WHERE id = \(before.id)",
                logger: Logger(label: "transition-test"))
            let edit = TaskEdit(priority: 1, description: "Call first", dueAt: .some(due), requiredSkills: ["billing", "german"])
            _ = try await repository.transition(before.id, .edit(edit), actor: nil, events: { _ in [] })
            let edited = try #require(try await repository.find(before.id))
            #expect((edited.priority, edited.description, edited.requiredSkills) == (1, "Call first", ["billing", "german"]))
            #expect(edited.dueAt.map(EventCoding.timestamp) == EventCoding.timestamp(due))
            #expect((edited.status, edited.version, edited.assigneeId) == (.assigned, 8, before.assigneeId))
            // A due time moved is reported overdue again when the new one passes.
            let published = try await client.query(
                "SELECT overdue_published FROM tasks.tasks WHERE id = \(before.id)", logger: Logger(label: "transition-test")
            ).collect().first?.decode(Bool.self)
            #expect(published == false)

            // Only what an edit gives changes; a lifecycle step leaves every detail.
            _ = try await repository.transition(before.id, .edit(TaskEdit(dueAt: .some(nil))), actor: nil, events: { _ in [] })
            _ = try await repository.transition(before.id, .accept, actor: nil, events: { _ in [] })
            let after = try #require(try await repository.find(before.id))
            #expect(
                (after.priority, after.description, after.dueAt, after.requiredSkills) == (1, "Call first", nil, ["billing", "german"]))
            #expect(after.status == .inProgress && after.version == 10)
        }
    }
}

extension TransitionStatementTests {
    func inboxRows(_ message: UUID, _ client: PostgresClient) async throws -> Int {
        let rows = try await client.query(
            "SELECT count(*)::int FROM tasks.inbox WHERE message_id = \(message)", logger: Logger(label: "transition-test")
        ).collect()
        return try rows[0].decode(Int.self)
    }

    /// An event handler's first try (`EventHandlers.firstTry`): the transition and the message's
    /// claim commit in one statement, and a message claimed before moves nothing.
    @Test func aClaimingTransitionRecordsItsMessageAndOneClaimedBeforeMovesNothing() async throws {
        try await withRepository { repository, client in
            let before = try await task(in: .inProgress, repository, client)
            let (audits, events) = try await counts(before.id, client)
            let marker = EncodedEventMarker(taskId: before.id)
            let message = UUID()
            let claim = InboxClaim(inbox: "tasks.inbox", queue: "tasks.scheduling", ids: [message])
            @Sendable func progress(_ percent: Int) async throws {
                _ = try await client.withConnection { connection in
                    try await repository.transition(
                        before.id, .progress(percent), on: connection, actor: nil, claim: claim, events: { _ in [try marker.event()] }
                    )
                }
            }
            try await progress(50)
            #expect(try await inboxRows(message, client) == 1)
            #expect(try await counts(before.id, client) == (audits + 1, events + 1))
            #expect(try await repository.find(before.id)?.version == 8)

            // The same message again (a redelivery): nothing moves, nothing is written.
            await #expect(throws: TransitionFailure.self) { try await progress(60) }
            #expect(try await inboxRows(message, client) == 1)
            #expect(try await counts(before.id, client) == (audits + 1, events + 1))
            #expect(try await repository.find(before.id)?.progress == 50)
        }
    }
}

/// A transition starts from what this process last committed of the task (`RecentTasks`) and
/// skips the read; the write's version condition makes that exactly as safe as reading.
@Suite(.enabled(if: ScratchDatabase.isConfigured, "needs the test database"), .serialized)
struct TransitionHintTests {
    let statements = TransitionStatementTests()
    let logger = Logger(label: "transition-hint-test")

    func created(_ repository: TaskRepository) async throws -> TaskRecord {
        let now = Date.nowToTheMillisecond
        let record = TaskRecord(
            id: UUID.random(), name: "t", description: "", priority: 3, requiredSkills: [], status: .pending, assigneeId: nil,
            reservationId: nil, attempt: 1, maxAttempts: 3, progress: 0, flagged: false, dueAt: nil, offerExpiresAt: nil, version: 1,
            createdBy: UUID.random(), createdAt: now, updatedAt: now
        )
        _ = try await repository.create(record, idempotency: nil, correlationId: UUID.random())
        return record
    }

    func assign(_ employee: UUID) -> TaskLifecycle.Action {
        .assign(employeeId: employee, reservationId: UUID.random(), expiresAt: nil)
    }

    @Test func aTaskThisProcessWroteLastMovesWithoutARead() async throws {
        try await statements.withRepository { repository, client in
            let task = try await created(repository)
            let alice = UUID.random()
            let marker = EncodedEventMarker(taskId: task.id)
            _ = try await repository.transition(task.id, assign(alice), actor: nil, events: { _ in [try marker.event()] })
            _ = try await repository.transition(task.id, .accept, actor: alice, events: { _ in [try marker.event()] })
            let done = try await repository.transition(task.id, .complete, actor: alice, events: { _ in [try marker.event()] })
            #expect(repository.recent.counts == (hits: 3, misses: 0))
            let stored = try #require(try await repository.find(task.id))
            #expect(stored.status == .completed && stored.version == 4 && stored.assigneeId == alice)
            #expect(done.after.status == stored.status && done.after.version == stored.version)
            #expect(try await statements.counts(task.id, client) == (audit: 4, outbox: 4))
        }
    }

    @Test func aHintAnotherWriterOvertookIsDecidedFromTheRowAsItIs() async throws {
        try await statements.withRepository { repository, client in
            // The hint says PENDING (complete refused); the row is IN_PROGRESS (complete allowed).
            let running = try await created(repository)
            let bob = UUID.random()
            try await client.query(
                "UPDATE tasks.tasks SET status = 'IN_PROGRESS', assignee_id = \(bob), version = 7 WHERE id = \(running.id)",
                logger: logger
            )
            let done = try await repository.transition(running.id, .complete, actor: bob, events: { _ in [] })
            #expect(done.before.version == 7 && done.after.version == 8)
            #expect(try await repository.find(running.id)?.status == .completed)

            // The hint says PENDING (assign allowed); the row is CANCELLED (assign refused): nothing is written.
            let cancelled = try await created(repository)
            try await client.query("UPDATE tasks.tasks SET status = 'CANCELLED', version = 7 WHERE id = \(cancelled.id)", logger: logger)
            let (audits, events) = try await statements.counts(cancelled.id, client)
            await #expect(throws: TransitionFailure.conflict(current: .cancelled, version: 7)) {
                _ = try await repository.transition(cancelled.id, assign(UUID.random()), actor: nil, events: { _ in [] })
            }
            #expect(try await statements.counts(cancelled.id, client) == (audits, events))
            #expect(repository.recent.counts.misses == 2)
        }
    }

    @Test func aWriteInACallersTransactionIsAHintOnceCommitted() async throws {
        try await statements.withRepository { repository, client in
            let task = try await created(repository)
            let alice = UUID.random()
            try await client.transaction(logger: logger) { connection in
                _ = try await repository.transition(task.id, assign(alice), on: connection, actor: nil, events: { _ in [] })
                // Not yet committed: not yet a hint.
                #expect(repository.recent.hint(task.id)?.version == 1)
            }
            #expect(repository.recent.hint(task.id)?.version == 2)
            _ = try await repository.transition(task.id, .accept, actor: alice, events: { _ in [] })
            #expect(repository.recent.counts == (hits: 1, misses: 0))
            #expect(try await repository.find(task.id)?.status == .inProgress)
        }
    }

    @Test func aWriteThatRolledBackIsNeverAHint() async throws {
        try await statements.withRepository { repository, client in
            let task = try await created(repository)
            let alice = UUID.random()
            struct RolledBack: Error {}
            // Alice's offer at version 2, in a transaction that rolls back…
            await #expect(throws: RolledBack.self) {
                try await client.transaction(logger: logger) { connection in
                    _ = try await repository.transition(task.id, assign(alice), on: connection, actor: nil, events: { _ in [] })
                    throw RolledBack()
                }
            }
            // …and another writer's version 2, which cancelled the task.
            try await client.query("UPDATE tasks.tasks SET status = 'CANCELLED', version = 2 WHERE id = \(task.id)", logger: logger)
            // Started from the rolled-back offer, Alice's accept would pass the version check.
            await #expect(throws: TransitionFailure.conflict(current: .cancelled, version: 2)) {
                _ = try await repository.transition(task.id, .accept, actor: alice, events: { _ in [] })
            }
            #expect(try await repository.find(task.id)?.status == .cancelled)
        }
    }
}

/// One event naming the task, so the test can count the task's outbox rows.
struct EncodedEventMarker: Sendable {
    let taskId: UUID

    func event() throws -> EncodedEvent {
        try EncodedEvent(
            EventEnvelope(
                source: "tasks", correlationId: UUID(),
                data: TaskFlagged(
                    taskId: taskId, version: 8, assigneeId: UUID(), reason: "marker"
                )))
    }
}
