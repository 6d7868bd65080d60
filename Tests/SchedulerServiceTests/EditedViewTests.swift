import EventContracts
import Foundation
import Logging
import PostgresNIO
import ScratchDatabase
import Testing

@testable import SchedulerService

/// `task.edited` in the scheduler's views (docs/scheduling.md): the edit's priority and skills are
/// written with the view, an older edit never overwrites a newer one, and a creation reaching the
/// view after an edit does not set them back.
@Suite(.enabled(if: ScratchDatabase.isConfigured, "needs the test database"), .serialized)
struct EditedViewTests {
    let logger = Logger(label: "edited-view-test")

    func details(_ id: UUID, _ client: PostgresClient) async throws -> (Int, [String], Int) {
        let rows = try await client.query(
            "SELECT priority, required_skills, version FROM scheduler.tasks WHERE id = \(id)", logger: logger
        ).collect()
        return try rows[0].decode((Int, [String], Int).self)
    }

    func edit(_ id: UUID, priority: Int, skills: [String], version: Int) -> TaskViewFold.Event {
        TaskViewFold.Event(taskId: id, change: .edited(priority: priority, requiredSkills: skills), version: version, at: Date())
    }

    func creation(_ id: UUID) -> (task: TaskCreated, at: Date) {
        (TaskCreated(taskId: id, version: 1, name: "t", priority: 4, requiredSkills: ["old"], maxAttempts: 3, createdBy: UUID()), Date())
    }

    @Test func anEditSetsTheQueuesPriorityAndSkillsAndAnOlderOneDoesNot() async throws {
        try await ScratchDatabase.with(schema: "scheduler", migrations: SchedulerService.descriptor.migrations, prefix: "edited") {
            client in
            let store = SchedulerStore(client: client, logger: logger)
            let id = UUID()
            _ = try await client.withConnection { try await store.created([creation(id)], on: $0) }
            _ = try await client.withConnection { try await store.apply([edit(id, priority: 1, skills: ["billing"], version: 3)], on: $0) }
            #expect(try await details(id, client) == (1, ["billing"], 3))
            // A redelivered older edit changes nothing.
            _ = try await client.withConnection { try await store.apply([edit(id, priority: 5, skills: [], version: 2)], on: $0) }
            #expect(try await details(id, client) == (1, ["billing"], 3))
            // A later event without an edit keeps the edit's details.
            let accepted = TaskViewFold.Event(taskId: id, change: .accepted, version: 4, at: Date())
            _ = try await client.withConnection { try await store.apply([accepted], on: $0) }
            #expect(try await details(id, client) == (1, ["billing"], 4))
        }
    }

    @Test func aCreationAfterTheEditDoesNotSetItsDetailsBack() async throws {
        try await ScratchDatabase.with(schema: "scheduler", migrations: SchedulerService.descriptor.migrations, prefix: "edited") {
            client in
            let store = SchedulerStore(client: client, logger: logger)
            let id = UUID()
            _ = try await client.withConnection { try await store.apply([edit(id, priority: 1, skills: ["billing"], version: 2)], on: $0) }
            _ = try await client.withConnection { try await store.created([creation(id)], on: $0) }
            #expect(try await details(id, client) == (1, ["billing"], 2))
            let known = try await client.query("SELECT known FROM scheduler.tasks WHERE id = \(id)", logger: logger).collect()
            #expect(try known[0].decode(Bool.self))
        }
    }
}
