import EventContracts
import Foundation
import KeyValueStore
import Logging
import PostgresNIO
import ScratchDatabase
import ServiceRuntime
import Testing

@testable import EventBackbone
@testable import SchedulerService

/// A later task event arriving alone, the consumer's first try: the view read without a lock,
/// the event folded over it, and the write with the message's claim in one statement — while the
/// row is as read; otherwise nothing at all, and the usual transaction decides.
@Suite(.enabled(if: ScratchDatabase.isConfigured, "needs the test database"), .serialized)
struct AppliedAloneTests {
    let logger = Logger(label: "applied-alone-test")
    let employee = UUID()

    func claim(_ message: UUID) -> InboxClaim {
        InboxClaim(inbox: "scheduler.inbox", queue: "scheduler.events", ids: [message])
    }

    func count(_ sql: String, _ client: PostgresClient) async throws -> Int {
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect()
        return try rows[0].decode(Int.self)
    }

    /// A scratch scheduler schema with an employee and a task in the queue (version 1).
    func withTask(_ body: @Sendable (SchedulerStore, PostgresClient, UUID) async throws -> Void) async throws {
        try await ScratchDatabase.with(schema: "scheduler", migrations: SchedulerService.descriptor.migrations, prefix: "alone") { client in
            try await client.query(
                "INSERT INTO scheduler.employees (id, username, is_employee, active, capacity) VALUES (\(employee), 'e', true, true, 2)",
                logger: logger
            )
            let store = SchedulerStore(client: client, logger: logger)
            let task = TaskCreated(
                taskId: UUID(), version: 1, name: "t", priority: 3, requiredSkills: [], maxAttempts: 3, createdBy: UUID())
            #expect(try await client.withConnection { try await store.createdAlone(task, at: Date(), claim: claim(UUID()), on: $0) })
            try await body(store, client, task.taskId)
        }
    }

    /// The scheduler's own handlers, as its consumer runs them (an assigner that never reaches
    /// Redis: these events wake it after their commit, nothing more).
    func handlers(_ store: SchedulerStore) throws -> EventHandlers {
        let redis = RedisConnection(url: try RedisURL(parsing: "redis://127.0.0.1:1"), logger: logger)
        let assigner = Assigner(store: store, redis: redis, settings: try SchedulerSettings(EnvironmentReader([:])), logger: logger)
        return SchedulerEventHandlers(store: store, assigner: assigner, logger: logger).handlers
    }

    func incoming<Payload: EventPayload>(_ data: Payload) throws -> IncomingEvent {
        let envelope = EventEnvelope(source: "tasks", correlationId: UUID(), causationId: nil, data: data)
        return IncomingEvent(id: envelope.id, type: Payload.eventType, body: try EventCoding.encode(envelope), attempt: 1)
    }

    @Test func aLifecycleDeliveredOneEventAtATimeIsWrittenByTheFirstTries() async throws {
        try await withTask { store, client, task in
            let handlers = try handlers(store)
            // Every task event the scheduler follows after the creation has a first try.
            #expect(Set(handlers.firstTries.keys) == Set(SchedulerEventHandlers.taskEventTypes))
            let reservation = UUID()
            let events = [
                try incoming(TaskAssigned(taskId: task, version: 2, assigneeId: employee, reservationId: reservation, attempt: 1)),
                try incoming(TaskAccepted(taskId: task, version: 3, assigneeId: employee)),
            ]
            for event in events {
                let outcome = try await client.withConnection { connection in
                    try await handlers.firstTries[event.type]!(claim(event.id), event, connection)
                }
                #expect(outcome == .handled)
                #expect(try await count("SELECT count(*)::int FROM scheduler.inbox WHERE message_id = '\(event.id)'", client) == 1)
            }
            #expect(
                try await count(
                    """
                    SELECT count(*)::int FROM scheduler.tasks WHERE id = '\(task)' AND stage = 'IN_PROGRESS' AND version = 3
                    AND last_event = 'task.accepted' AND assignee_id = '\(employee)' AND reservation_id = '\(reservation)'
                    """, client) == 1)
            // The offer counted as the employee's latest assignment.
            #expect(try await count("SELECT count(*)::int FROM scheduler.employees WHERE last_assigned_at IS NOT NULL", client) == 1)

            let completed = try incoming(TaskCompleted(taskId: task, version: 4, assigneeId: employee, message: "done"))
            let outcome = try await client.withConnection { connection in
                try await handlers.firstTries[completed.type]!(claim(completed.id), completed, connection)
            }
            #expect(outcome == .handled)
            #expect(try await count("SELECT count(*)::int FROM scheduler.tasks WHERE stage = 'COMPLETED' AND version = 4", client) == 1)
        }
    }

    @Test func aRowWrittenBetweenTheReadAndTheWriteTakesNothingFromTheEvent() async throws {
        try await withTask { store, client, task in
            let event = TaskViewFold.Event(
                taskId: task, change: .assigned(assignee: employee, reservation: UUID()), version: 2, at: Date())
            let read = try #require(try await client.withConnection { try await store.readAlone(task, on: $0) })
            // A round proposes the task meanwhile: another writer, whatever it changes.
            try await client.query(
                "UPDATE scheduler.tasks SET stage = 'PROPOSED', assignee_id = \(employee) WHERE id = \(task)", logger: logger)
            let message = UUID()
            let written = try await client.withConnection { try await store.writeAlone(event, over: read, claim: claim(message), on: $0) }
            #expect(!written)
            #expect(try await count("SELECT count(*)::int FROM scheduler.inbox WHERE message_id = '\(message)'", client) == 0)
            #expect(try await count("SELECT count(*)::int FROM scheduler.tasks WHERE stage = 'PROPOSED' AND version = 1", client) == 1)
            #expect(try await count("SELECT count(*)::int FROM scheduler.employees WHERE last_assigned_at IS NOT NULL", client) == 0)

            // Read again, the same event goes through.
            let again = try #require(try await client.withConnection { try await store.readAlone(task, on: $0) })
            #expect(try await client.withConnection { try await store.writeAlone(event, over: again, claim: claim(message), on: $0) })
            #expect(try await count("SELECT count(*)::int FROM scheduler.tasks WHERE stage = 'ASSIGNED' AND version = 2", client) == 1)
        }
    }

    @Test func aMessageClaimedBeforeFailsTheStatementAndWritesNothing() async throws {
        try await withTask { store, client, task in
            let message = UUID()
            try await client.query(
                "INSERT INTO scheduler.inbox (queue, message_id) VALUES ('scheduler.events', \(message))", logger: logger)
            let event = TaskViewFold.Event(
                taskId: task, change: .assigned(assignee: employee, reservation: UUID()), version: 2, at: Date())
            await #expect(throws: PSQLError.self) {
                try await client.withConnection { try await store.appliedAlone(event, claim: claim(message), on: $0) }
            }
            #expect(try await count("SELECT count(*)::int FROM scheduler.tasks WHERE stage = 'PENDING' AND version = 1", client) == 1)
            #expect(try await count("SELECT count(*)::int FROM scheduler.employees WHERE last_assigned_at IS NOT NULL", client) == 0)
        }
    }

    @Test func anOlderEventAMissingViewOrAHeldRequestAreLeftToTheUsualTransaction() async throws {
        try await withTask { store, client, task in
            func alone(_ event: TaskViewFold.Event) async throws -> Bool {
                try await client.withConnection { try await store.appliedAlone(event, claim: claim(UUID()), on: $0) }
            }
            // Older than the view: nothing to write, and the usual way tells a duplicate from a stale event.
            #expect(!(try await alone(.init(taskId: task, change: .accepted, version: 1, at: Date()))))
            // Before its creation: the usual way writes the view the creation completes.
            #expect(!(try await alone(.init(taskId: UUID(), change: .accepted, version: 3, at: Date()))))
            // A manual assignment waits on the view: the usual way carries it out when due.
            try await client.query(
                "UPDATE scheduler.tasks SET held_assignment = '{}'::jsonb WHERE id = \(task)", logger: logger)
            #expect(!(try await alone(.init(taskId: task, change: .cancelled, version: 2, at: Date()))))
            #expect(try await count("SELECT count(*)::int FROM scheduler.inbox", client) == 1)  // the creation's
            #expect(try await count("SELECT count(*)::int FROM scheduler.tasks WHERE stage = 'PENDING' AND version = 1", client) == 1)
        }
    }
}
