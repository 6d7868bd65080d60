import EventBackbone
import EventContracts
import Foundation
import Logging
import Persistence
import PostgresNIO
import ScratchDatabase
import Testing

@testable import TasksService

/// Many transitions in one statement (`TaskRepository.transitions`, the tasks consumer's
/// proposals) against a real PostgreSQL: each is written exactly as one transition alone would
/// write it, and whatever the statement cannot decide is left — unwritten — to the usual path.
@Suite(.enabled(if: ScratchDatabase.isConfigured, "needs the test database"), .serialized)
struct TransitionSetTests {
    let statements = TransitionStatementTests()
    let logger = Logger(label: "transition-set-test")

    /// What a transition leaves in a task's row and its audit trail, without the task's id, its
    /// creator and times (each only as set or not).
    func written(_ id: UUID, _ client: PostgresClient) async throws -> [String] {
        let rows = try await client.query(
            """
            SELECT concat_ws(' ', status, assignee_id, reservation_id, attempt, progress, flagged, version,
                offer_expires_at, assigned_at IS NOT NULL, accepted_at IS NOT NULL, completed_at IS NOT NULL,
                failed_at IS NOT NULL, cancelled_at IS NOT NULL)
            FROM tasks.tasks WHERE id = \(id)
            UNION ALL
            (SELECT concat_ws(' ', action, from_status, to_status, reason, assignee_id)
             FROM tasks.audit WHERE task_id = \(id) AND action <> 'create' ORDER BY id)
            """,
            logger: logger
        ).collect()
        return try rows.map { try $0.decode(String.self) }
    }

    /// Two tasks alike in `status` at version 7 (the same holder, the same reservation).
    func twins(in status: TaskStatus, _ repository: TaskRepository, _ client: PostgresClient) async throws -> (TaskRecord, TaskRecord) {
        let first = try await statements.task(in: status, repository, client)
        let second = try await statements.task(in: status, repository, client)
        try await client.query(
            "UPDATE tasks.tasks SET assignee_id = \(first.assigneeId), reservation_id = \(first.reservationId) WHERE id = \(second.id)",
            logger: logger)
        return (first, try #require(try await repository.find(second.id)))
    }

    func transition(_ id: UUID, _ action: TaskLifecycle.Action, marker: EncodedEventMarker) -> TaskRepository.PlannedTransition {
        TaskRepository.PlannedTransition(id: id, action: action, reason: "in a set", expectedVersion: nil) { _ in [try marker.event()] }
    }

    @Test func eachTransitionOfASetIsWrittenAsItWouldBeAloneFromEveryStatus() async throws {
        try await statements.withRepository { setup, client in
            let actions = TransitionStatementTests.actions.filter { if case .edit = $0 { false } else { true } }
            for status in TaskStatus.allCases {
                // Twins in `status`: one moved alone, the other in a set with every other action.
                var alone: [TaskRecord] = []
                var inSet: [TaskRecord] = []
                for _ in actions {
                    let (single, twin) = try await twins(in: status, setup, client)
                    alone.append(single)
                    inSet.append(twin)
                }
                // Fresh repositories: no hints, each starts from the rows as they are.
                let one = TaskRepository(client: client, logger: logger)
                let many = TaskRepository(client: client, logger: logger)
                for (task, action) in zip(alone, actions) {
                    let marker = EncodedEventMarker(taskId: task.id)
                    _ = try? await one.transition(task.id, action, actor: nil, reason: "in a set", events: { _ in [try marker.event()] })
                }
                let made = try await client.withConnection { connection in
                    try await many.transitions(
                        zip(inSet, actions).map { transition($0.id, $1, marker: EncodedEventMarker(taskId: $0.id)) }, on: connection)
                }
                for (index, action) in actions.enumerated() {
                    let (single, twin) = (alone[index], inSet[index])
                    let allowed = (try? TaskLifecycle.apply(action, to: twin.lifecycle)) != nil
                    #expect((made[index] != nil) == allowed, "\(action.name) from \(status): written \(made[index] != nil)")
                    #expect(try await written(twin.id, client) == written(single.id, client), "\(action.name) from \(status)")
                    #expect(try await statements.counts(twin.id, client) == statements.counts(single.id, client))
                    if let change = made[index] { #expect(change.after.version == 8 && change.before.version == 7) }
                }
            }
        }
    }

    /// Tasks this repository created (hints at version 1), PENDING.
    func created(_ count: Int, _ repository: TaskRepository) async throws -> [TaskRecord] {
        var tasks: [TaskRecord] = []
        for _ in 0..<count { tasks.append(try await TransitionHintTests().created(repository)) }
        return tasks
    }

    @Test func aRowOvertakenSinceItsHintIsLeftUnwrittenAndTheOthersAreWritten() async throws {
        try await statements.withRepository { repository, client in
            let tasks = try await created(3, repository)
            try await client.query("UPDATE tasks.tasks SET status = 'CANCELLED', version = 7 WHERE id = \(tasks[1].id)", logger: logger)
            let before = try await statements.counts(tasks[1].id, client)
            let made = try await client.withConnection { connection in
                try await repository.transitions(
                    tasks.map { transition($0.id, TransitionHintTests().assign(UUID.random()), marker: EncodedEventMarker(taskId: $0.id)) },
                    on: connection)
            }
            #expect(made.map { $0?.after.version } == [2, nil, 2])
            #expect(try await statements.counts(tasks[1].id, client) == before, "the overtaken task got an audit row or an event")
            #expect(try await repository.find(tasks[1].id)?.status == .cancelled)
            for index in [0, 2] {
                #expect(try await repository.find(tasks[index].id)?.status == .assigned)
                #expect(try await statements.counts(tasks[index].id, client) == (audit: 2, outbox: 2))
                // Committed (autocommitted here): the next transition starts from it.
                #expect(repository.recent.hint(tasks[index].id)?.version == 2)
            }
            #expect(repository.recent.counts == (hits: 2, misses: 1))
        }
    }

    @Test func aSecondTransitionOfOneTaskIsLeftToTheUsualPath() async throws {
        try await statements.withRepository { repository, client in
            let task = try await created(1, repository)[0]
            let marker = EncodedEventMarker(taskId: task.id)
            let made = try await client.withConnection { connection in
                try await repository.transitions(
                    [
                        transition(task.id, TransitionHintTests().assign(UUID.random()), marker: marker),
                        transition(task.id, .cancel, marker: marker),
                    ],
                    on: connection)
            }
            #expect(made.map { $0?.after.status } == [.assigned, nil])
            #expect(try await repository.find(task.id)?.version == 2)
        }
    }

    @Test func theEventsOfASetAreInTheOutboxInTheSetsOrderAndRolledBackLeaveNoHint() async throws {
        try await statements.withRepository { repository, client in
            let tasks = try await created(4, repository)
            let planned = tasks.reversed().map {
                transition($0.id, TransitionHintTests().assign(UUID.random()), marker: EncodedEventMarker(taskId: $0.id))
            }
            struct RolledBack: Error {}
            await #expect(throws: RolledBack.self) {
                try await client.transaction(logger: logger) { connection in
                    _ = try await repository.transitions(planned, on: connection)
                    throw RolledBack()
                }
            }
            #expect(tasks.allSatisfy { repository.recent.hint($0.id)?.version == 1 })
            #expect(try await statements.counts(tasks[0].id, client) == (audit: 1, outbox: 1))

            _ = try await client.transaction(logger: logger) { connection in try await repository.transitions(planned, on: connection) }
            #expect(tasks.allSatisfy { repository.recent.hint($0.id)?.version == 2 })
            let order = try await client.query(
                "SELECT body FROM tasks.outbox WHERE event_type = 'task.flagged' ORDER BY position", logger: logger
            ).collect().map { try $0.decode(String.self) }
            #expect(
                order.map { body in tasks.firstIndex { body.contains($0.id.uuidString.lowercased()) || body.contains($0.id.uuidString) } }
                    == [3, 2, 1, 0])
        }
    }

    /// The consumer's batch of proposals: the ones that can be offered are, in one statement; one
    /// for a task that moved on is refused the usual way, with `task.assignment_rejected`.
    @Test func aBatchOfProposalsOffersWhatItCanAndRefusesTheRest() async throws {
        try await statements.withRepository { repository, client in
            let tasks = try await created(3, repository)
            try await client.query("UPDATE tasks.tasks SET status = 'CANCELLED', version = 2 WHERE id = \(tasks[2].id)", logger: logger)
            let handlers = TaskEventHandlers(tasks: repository, logger: logger)
            let proposals = tasks.map { task in
                EventEnvelope(
                    source: "scheduler", correlationId: UUID.random(),
                    data: AssignmentProposed(
                        taskId: task.id, employeeId: UUID.random(), reservationId: UUID.random(), expectedVersion: 1, reservationSeconds: 30
                    ))
            }
            try await client.transaction(logger: logger) { connection in try await handlers.offer(proposals, on: connection) }
            for (task, proposal) in zip(tasks.prefix(2), proposals) {
                let offered = try #require(try await repository.find(task.id))
                #expect(offered.status == .assigned && offered.assigneeId == proposal.data.employeeId && offered.offerExpiresAt != nil)
            }
            let types = try await client.query(
                "SELECT event_type FROM tasks.outbox WHERE event_type <> 'task.created' ORDER BY position", logger: logger
            ).collect().map { try $0.decode(String.self) }
            #expect(types == ["task.assigned", "task.assigned", "task.assignment_rejected"])
            #expect(try await repository.find(tasks[2].id)?.status == .cancelled)
        }
    }

    /// The consumer's first try of a batch (`EventHandlers.firstTryTogether`): the offers and the
    /// claims of exactly their messages commit in one statement; a message claimed before fails
    /// it whole.
    @Test func aClaimingSetClaimsTheMessagesOfWhatItMadeAndAClaimedOneFailsItWhole() async throws {
        try await statements.withRepository { repository, client in
            let tasks = try await created(3, repository)
            try await client.query("UPDATE tasks.tasks SET status = 'CANCELLED', version = 7 WHERE id = \(tasks[1].id)", logger: logger)
            let messages = tasks.map { _ in UUID.random() }
            func planned(_ tasks: [TaskRecord], _ messages: [UUID]) -> [TaskRepository.PlannedTransition] {
                zip(tasks, messages).map { task, message in
                    var transition = transition(
                        task.id, TransitionHintTests().assign(UUID.random()), marker: EncodedEventMarker(taskId: task.id))
                    transition.message = message
                    return transition
                }
            }
            let claim = InboxClaim(inbox: "tasks.inbox", queue: "tasks.scheduling", ids: messages)
            let made = try await client.withConnection { connection in
                try await repository.transitions(planned(tasks, messages), claim: claim, on: connection)
            }
            #expect(made.map { $0 != nil } == [true, false, true])
            for (index, message) in messages.enumerated() {
                #expect(try await TransitionStatementTests().inboxRows(message, client) == (index == 1 ? 0 : 1))
            }

            // A new task with a message claimed before: the statement fails, nothing is written.
            let fresh = try await created(1, repository)[0]
            await #expect(throws: (any Error).self) {
                _ = try await client.withConnection { connection in
                    try await repository.transitions(planned([fresh], [messages[0]]), claim: claim, on: connection)
                }
            }
            #expect(try await repository.find(fresh.id)?.version == 1)
            #expect(try await statements.counts(fresh.id, client) == (audit: 1, outbox: 1))
            #expect(repository.recent.hint(fresh.id)?.version == 1)
        }
    }
}
