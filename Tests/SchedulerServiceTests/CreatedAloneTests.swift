import EventBackbone
import EventContracts
import Foundation
import Logging
import PostgresNIO
import ScratchDatabase
import Testing

@testable import SchedulerService

/// A `task.created` arriving alone, the consumer's first try: the view and the message's claim in
/// one statement, and nothing at all when the scheduler already has a view of the task.
@Suite(.enabled(if: ScratchDatabase.isConfigured, "needs the test database"), .serialized)
struct CreatedAloneTests {
    let logger = Logger(label: "created-alone-test")

    func created(_ id: UUID = UUID()) -> TaskCreated {
        TaskCreated(taskId: id, version: 1, name: "new", priority: 2, requiredSkills: ["a"], maxAttempts: 3, createdBy: UUID())
    }

    func claim(_ message: UUID) -> InboxClaim {
        InboxClaim(inbox: "scheduler.inbox", queue: "scheduler.events", ids: [message])
    }

    func count(_ sql: String, _ client: PostgresClient) async throws -> Int {
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect()
        return try rows[0].decode(Int.self)
    }

    @Test func aNewTaskJoinsTheQueueWithItsClaimAndARedeliveryWritesNothing() async throws {
        try await ScratchDatabase.with(schema: "scheduler", migrations: SchedulerService.descriptor.migrations, prefix: "created") {
            client in
            let store = SchedulerStore(client: client, logger: logger)
            let task = created(), message = UUID()
            let first = try await client.withConnection { try await store.createdAlone(task, at: Date(), claim: claim(message), on: $0) }
            #expect(first)
            #expect(try await count("SELECT count(*)::int FROM scheduler.inbox WHERE message_id = '\(message)'", client) == 1)
            #expect(
                try await count(
                    "SELECT count(*)::int FROM scheduler.tasks WHERE id = '\(task.taskId)' AND known AND stage = 'PENDING' AND version = 1 AND priority = 2",
                    client
                ) == 1)
            #expect(try await store.roundInputs(limit: 10).queue.map(\.id) == [task.taskId])

            let again = try await client.withConnection { try await store.createdAlone(task, at: Date(), claim: claim(message), on: $0) }
            #expect(!again)
            #expect(try await count("SELECT count(*)::int FROM scheduler.inbox", client) == 1)
        }
    }

    @Test func aTaskTheSchedulerAlreadyHasAViewOfIsLeftToTheUsualTransaction() async throws {
        try await ScratchDatabase.with(schema: "scheduler", migrations: SchedulerService.descriptor.migrations, prefix: "created") {
            client in
            let store = SchedulerStore(client: client, logger: logger)
            let task = created(), message = UUID()
            // A later event came first: the view exists, not known yet (`TaskView.unknown`, moved on).
            try await client.query(
                """
                INSERT INTO scheduler.tasks (id, known, stage, version, last_event, assignee_id)
                VALUES (\(task.taskId), false, 'ASSIGNED', 2, 'task.assigned', \(UUID()))
                """,
                logger: logger
            )
            let handled = try await client.withConnection { try await store.createdAlone(task, at: Date(), claim: claim(message), on: $0) }
            #expect(!handled)
            #expect(try await count("SELECT count(*)::int FROM scheduler.inbox", client) == 0)
            #expect(
                try await count(
                    "SELECT count(*)::int FROM scheduler.tasks WHERE id = '\(task.taskId)' AND NOT known AND stage = 'ASSIGNED'", client
                ) == 1)
        }
    }
}
