import Foundation
import Logging
import Persistence
import PostgresNIO
import ScratchDatabase
import Testing

@testable import TasksService

/// The admin's list against a real PostgreSQL: the search (by id, by the beginnings of words of
/// the name, through `tasks.task_words`), the skill filter and every sort give what the in-memory
/// store of the route tests gives for the same tasks — so the route tests' store cannot drift from
/// the SQL.
@Suite(.enabled(if: ScratchDatabase.isConfigured, "needs the test database"), .serialized)
struct TaskListQueryTests {
    static let names = [
        "Check invoice 4711", "CHECK INVOICE 4712", "Call the supplier", "cli-task-abc", "Refund 50% off", "Invoices, again", "zeta",
        // PostgreSQL's parser reads "2e383" as a number and would store "2e383" and "ad46e".
        "cli-task-2e383ad46e", "Ünïcode NAÏVE — v1.2",
    ]

    func tasks() -> [TaskRecord] {
        let start = Date.nowToTheMillisecond
        let admin = UUID()
        return Self.names.enumerated().map { index, name in
            TaskRecord(
                id: UUID(), name: name, description: "", priority: 1 + (index * 3) % 5,
                requiredSkills: index % 2 == 0 ? ["Billing"] : ["legal"], status: .pending, assigneeId: nil, reservationId: nil,
                attempt: 1, maxAttempts: 3, progress: 0, flagged: false,
                dueAt: index % 3 == 0 ? nil : start + Double(86_400 * (7 - index)), offerExpiresAt: nil, version: 1, createdBy: admin,
                createdAt: start + Double(index % 4), updatedAt: start + Double(index)
            )
        }
    }

    @Test func theDatabaseAndTheInMemoryStoreListTheSameTasksInTheSameOrder() async throws {
        let records = tasks()
        let memory = InMemoryTaskStore()
        try await ScratchDatabase.with(schema: "tasks", migrations: TasksService.descriptor.migrations, prefix: "tasklist") { client in
            let repository = TaskRepository(client: client, logger: Logger(label: "task-list-test"))
            for record in records {
                _ = try await repository.create(record, idempotency: nil, correlationId: UUID())
                _ = try await memory.create(record, idempotency: nil, correlationId: UUID())
            }
            var filters: [(String, TaskFilter)] = []
            for search in [
                "inv", "INVOICE 471", "check 4712", "task ab", "50", "voice", "%", records[3].id.uuidString.lowercased(),
                "task-2e383ad", "2E383AD46E", "ad46", "naï", "ÜNÏCODE", "v1 2", "—",
            ] {
                filters.append(("q=\(search)", TaskFilter(search: search)))
            }
            filters.append(("skill=billing", TaskFilter(skill: "billing")))
            // A search alone, oldest first (its own query, in the words' table), and with a filter (the general one).
            filters.append(("q=inv&sort=created", TaskFilter(search: "inv", sort: TaskSort(key: .created, descending: false))))
            filters.append(("q=inv&skill=billing", TaskFilter(search: "inv", skill: "billing")))
            for key in TaskSort.Key.allCases {
                for descending in [false, true] {
                    filters.append(("sort=\(descending ? "-" : "")\(key)", TaskFilter(sort: TaskSort(key: key, descending: descending))))
                }
            }
            for (label, filter) in filters {
                let stored = try await repository.list(filter, page: 0, size: 100)
                let kept = try await memory.list(filter, page: 0, size: 100)
                #expect(stored.items.map(\.name) == kept.items.map(\.name), "\(label)")
                #expect(stored.total == kept.total, "\(label)")
            }
            // Pages of a search alone: the same tasks, page by page, as one long page.
            let all = try await repository.list(TaskFilter(search: "inv"), page: 0, size: 100).items.map(\.id)
            var paged: [UUID] = []
            for number in 0..<3 { paged += try await repository.list(TaskFilter(search: "inv"), page: number, size: 1).items.map(\.id) }
            #expect(paged == all && all.count == 3)
            #expect(try await repository.list(TaskFilter(search: "inv"), page: 5, size: 1).items.isEmpty)
            let found = try await repository.list(TaskFilter(search: "inv"), page: 0, size: 100).items.map(\.name)
            #expect(Set(found) == ["Check invoice 4711", "CHECK INVOICE 4712", "Invoices, again"])
        }
    }

    /// Names stored before the service split them itself get their words again from migration 16:
    /// a search finds them as it finds new ones.
    @Test func theWordsOfNamesStoredBeforeAreSplitAgain() async throws {
        let migrations = TasksService.descriptor.migrations
        let earlier = Array(migrations.prefix { $0.version < 16 })
        let records = tasks()
        try await ScratchDatabase.with(schema: "tasks", migrations: earlier, prefix: "taskwords") { client in
            let logger = Logger(label: "task-words-test")
            for record in records {
                try await client.query(
                    """
                    INSERT INTO tasks.tasks (id, name, description, priority, required_skills, status, attempt, max_attempts,
                        progress, flagged, version, created_by, created_at, updated_at)
                    VALUES (\(record.id), \(record.name), '', 1, '{}', 'PENDING', 1, 3, 0, false, 1, \(record.createdBy), now(), now())
                    """, logger: logger)
                try await client.query(
                    "INSERT INTO tasks.task_words (id, words, created_at) VALUES (\(record.id), to_tsvector('simple', \(record.name)), now())",
                    logger: logger)
            }
            try await MigrationRunner(schema: "tasks", migrations: migrations).run(on: client, logger: logger)
            let repository = TaskRepository(client: client, logger: logger)
            for (search, name) in [
                ("task 2e383ad", "cli-task-2e383ad46e"), ("invoice 4712", "CHECK INVOICE 4712"), ("v1 2", "Ünïcode NAÏVE — v1.2"),
            ] {
                #expect(try await repository.list(TaskFilter(search: search), page: 0, size: 100).items.map(\.name) == [name], "\(search)")
            }
        }
    }
}
