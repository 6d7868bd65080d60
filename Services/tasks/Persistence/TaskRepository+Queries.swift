import EventBackbone
import Foundation
import Persistence
import PostgresNIO

/// Reads for the API, comments, and events that change no task.
extension TaskRepository {
    struct Filter: Sendable {
        var status: TaskStatus?
        var priority: Int?
        var assignee: UUID?
        var createdFrom: Date?
        var createdTo: Date?
    }

    /// Newest first, ties broken by id, so pages are stable.
    func list(_ filter: Filter, page: Int, size: Int) async throws -> (items: [TaskRecord], total: Int) {
        func filtered(_ head: String, _ tail: String = "") -> PostgresQuery {
            """
            \(unescaped: head) FROM tasks.tasks
            WHERE (\(filter.status?.rawValue)::text IS NULL OR status = \(filter.status?.rawValue))
            AND (\(filter.priority)::integer IS NULL OR priority = \(filter.priority))
            AND (\(filter.assignee)::uuid IS NULL OR assignee_id = \(filter.assignee))
            AND (\(filter.createdFrom)::timestamptz IS NULL OR created_at >= tasks.to_ms(\(filter.createdFrom)))
            AND (\(filter.createdTo)::timestamptz IS NULL OR created_at < tasks.to_ms(\(filter.createdTo)))
            \(unescaped: tail)
            """
        }
        let total = try await client.query(filtered("SELECT count(*)"), logger: logger).collect().first?.decode(Int.self) ?? 0
        let rows = try await client.query(
            filtered("SELECT \(Self.columns)", "ORDER BY created_at DESC, id LIMIT \(size) OFFSET \(page * size)"), logger: logger
        ).collect()
        return (try rows.map(Self.task), total)
    }

    func comments(of taskId: UUID) async throws -> [Comment] {
        let rows = try await client.query(
            "SELECT id, author_id, message, created_at FROM tasks.comments WHERE task_id = \(taskId) ORDER BY created_at, id",
            logger: logger
        )
        var comments: [Comment] = []
        for try await (id, author, message, at) in rows.decode((UUID, UUID, String, Date).self) {
            comments.append(Comment(id: id, taskId: taskId, authorId: author, message: message, createdAt: at))
        }
        return comments
    }

    func auditTrail(of taskId: UUID) async throws -> [AuditEntry] {
        let rows = try await client.query(
            "SELECT actor_id, action, from_status, to_status, reason, at FROM tasks.audit WHERE task_id = \(taskId) ORDER BY id",
            logger: logger
        )
        var entries: [AuditEntry] = []
        for try await (actor, action, from, to, reason, at) in rows.decode((UUID?, String, String?, String, String?, Date).self) {
            entries.append(AuditEntry(actorId: actor, action: action, from: from, to: to, reason: reason, at: at))
        }
        return entries
    }

    /// Offers awaiting acceptance and tasks in progress, oldest first.
    func current(of employee: UUID) async throws -> [TaskRecord] {
        try await client.query(
            """
            SELECT \(unescaped: Self.columns) FROM tasks.tasks
            WHERE assignee_id = \(employee) AND status IN ('ASSIGNED', 'IN_PROGRESS') ORDER BY updated_at, id
            """,
            logger: logger
        ).collect().map(Self.task)
    }

    /// Finished tasks the employee had, newest first.
    func history(of employee: UUID, page: Int, size: Int) async throws -> (items: [TaskRecord], total: Int) {
        let total = try await client.query(
            "SELECT count(*) FROM tasks.tasks WHERE assignee_id = \(employee) AND status IN ('COMPLETED', 'FAILED', 'CANCELLED')",
            logger: logger
        ).collect().first?.decode(Int.self) ?? 0
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columns) FROM tasks.tasks
            WHERE assignee_id = \(employee) AND status IN ('COMPLETED', 'FAILED', 'CANCELLED')
            ORDER BY updated_at DESC, id LIMIT \(size) OFFSET \(page * size)
            """,
            logger: logger
        ).collect()
        return (try rows.map(Self.task), total)
    }

    func counts(of employee: UUID) async throws -> [String: Int] {
        let rows = try await client.query(
            "SELECT status, count(*) FROM tasks.tasks WHERE assignee_id = \(employee) GROUP BY status", logger: logger
        )
        var counts = Dictionary(uniqueKeysWithValues: TaskStatus.allCases.map { ($0.rawValue, 0) })
        for try await (status, count) in rows.decode((String, Int).self) { counts[status] = count }
        return counts
    }

    func addComment(_ comment: Comment, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO tasks.comments (id, task_id, author_id, message, created_at)
            VALUES (\(comment.id), \(comment.taskId), \(comment.authorId), \(comment.message), \(comment.createdAt))
            """,
            logger: logger
        )
    }

    func addComment(_ comment: Comment) async throws {
        try await client.transaction(logger: logger) { connection in
            try await addComment(comment, on: connection)
        }
    }

    /// Events that change no task (manual assignment requests, requests for work).
    func publish(_ events: [EncodedEvent]) async throws {
        try await client.transaction(logger: logger) { connection in
            try await outbox.append(events, on: connection, logger: logger)
        }
    }
}
