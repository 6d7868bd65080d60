import EventBackbone
import EventContracts
import Foundation
import Logging
import Persistence
import PostgresNIO

/// Tasks, comments, the audit trail and idempotency keys in the `tasks` schema. Every change is
/// one transaction: the row (conditional on its version), one audit row, and its events.
struct TaskRepository: TaskStore {
    let client: PostgresClient
    let logger: Logger
    let outbox = Outbox(schema: "tasks")
    /// What this process last committed of each live task: a transition's starting point
    /// without a read.
    let recent = RecentTasks()

    static let columns = """
        id, name, description, priority, required_skills, status, assignee_id, reservation_id, attempt, max_attempts,
        progress, flagged, due_at, version, created_by, created_at, updated_at, offer_expires_at
        """

    /// `columns` qualified by `t.`, for queries that join `tasks.tasks t` to another table.
    static let columnsOfT = columns.split(separator: ",").map { "t.\($0.trimmingCharacters(in: .whitespacesAndNewlines))" }
        .joined(separator: ", ")

    static func task(_ row: PostgresRow) throws -> TaskRecord {
        try task(row, from: 0)
    }

    /// The task in `columns` order, starting at column `first` of `row`.
    static func task(_ row: PostgresRow, from first: Int) throws -> TaskRecord {
        let all = row.makeRandomAccess()
        func column(_ index: Int) -> PostgresCell { all[first + index] }
        return TaskRecord(
            id: try column(0).decode(UUID.self), name: try column(1).decode(String.self),
            description: try column(2).decode(String.self), priority: try column(3).decode(Int.self),
            requiredSkills: try column(4).decode([String].self),
            status: TaskStatus(rawValue: try column(5).decode(String.self)) ?? .pending,
            assigneeId: try column(6).decode(UUID?.self), reservationId: try column(7).decode(UUID?.self),
            attempt: try column(8).decode(Int.self), maxAttempts: try column(9).decode(Int.self),
            progress: try column(10).decode(Int.self), flagged: try column(11).decode(Bool.self),
            dueAt: try column(12).decode(Date?.self), offerExpiresAt: try column(17).decode(Date?.self),
            version: try column(13).decode(Int.self),
            createdBy: try column(14).decode(UUID.self), createdAt: try column(15).decode(Date.self),
            updatedAt: try column(16).decode(Date.self)
        )
    }

    /// Creates a task, its audit row and `task.created`; with an idempotency key, at most once.
    /// Either way it is one autocommitted statement; a key used before costs a second, to read
    /// what it made.
    func create(_ task: TaskRecord, idempotency: (key: String, hash: String)?, correlationId: UUID) async throws -> TaskCreation {
        let created = try TaskEvents(correlationId: correlationId).created(task)
        let made = try await client.withConnection { connection in
            try await insert(task, announcing: created, idempotency: idempotency, on: connection)
        }
        if let position = made {
            outbox.written([created], positions: [created.id: position])
            recent.committed(task)
            return .created(task)
        }
        // The key was taken: by this same request made before, or by another. Keys are never
        // deleted, so the earlier row is there (a concurrent first use has committed: the
        // insert waited for it).
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columnsOfT), k.request_hash FROM tasks.idempotency_keys k JOIN tasks.tasks t ON t.id = k.task_id
            WHERE k.created_by = \(task.createdBy) AND k.key = \(idempotency?.key ?? "")
            """,
            logger: logger
        ).collect()
        guard let row = rows.first else { throw TransitionFailure.notFound }
        let columns = row.makeRandomAccess()
        guard try columns[columns.count - 1].decode(String.self) == idempotency?.hash else { return .keyReused }
        return .replayed(try Self.task(row))
    }

    /// The task, its "create" audit row and its `task.created`, in one statement; with a key, the
    /// key too, and nothing at all when the key is already taken (nil). Returns the event's
    /// position in the outbox.
    private func insert(
        _ task: TaskRecord, announcing created: EncodedEvent, idempotency: (key: String, hash: String)?,
        on connection: PostgresConnection
    ) async throws -> Int64? {
        // The key's row goes in first and gates the rest: `ON CONFLICT DO NOTHING` waits for a
        // concurrent first use of the key to commit, then inserts nothing.
        let rows = try await connection.rows(
            of: TaskInsert(
                query: """
                    WITH claimed AS (
                        INSERT INTO tasks.idempotency_keys (created_by, key, request_hash, task_id)
                        SELECT \(task.createdBy), \(idempotency?.key), \(idempotency?.hash), \(task.id)
                        WHERE \(idempotency?.key)::text IS NOT NULL
                        ON CONFLICT (created_by, key) DO NOTHING
                        RETURNING task_id
                    ), inserted AS (
                        INSERT INTO tasks.tasks (id, name, description, priority, required_skills, status, attempt, max_attempts,
                            progress, flagged, due_at, version, created_by, created_at, updated_at)
                        SELECT \(task.id), \(task.name), \(task.description), \(task.priority), \(task.requiredSkills),
                            \(task.status.rawValue), \(task.attempt), \(task.maxAttempts), 0, false, tasks.to_ms(\(task.dueAt)), \(task.version),
                            \(task.createdBy), tasks.to_ms(\(task.createdAt)), tasks.to_ms(\(task.updatedAt))
                        WHERE \(idempotency?.key)::text IS NULL OR EXISTS (SELECT FROM claimed)
                        RETURNING id, created_at
                    ), audited AS (
                        INSERT INTO tasks.audit (task_id, actor_id, action, from_status, to_status, reason)
                        SELECT id, \(task.createdBy), 'create', NULL, \(task.status.rawValue), NULL FROM inserted
                    ), worded AS (
                        INSERT INTO tasks.task_words (id, words, created_at)
                        SELECT id, array_to_tsvector(\(TaskSearch.lexemes(task.name))::text[]), created_at FROM inserted
                    ), published AS (
                        INSERT INTO tasks.outbox (event_id, event_type, body, traceparent)
                        SELECT \(created.id), \(created.type), \(created.body), \(created.traceparent) FROM inserted
                        RETURNING position
                    )
                    SELECT position FROM published
                    """), logger: logger)
        return try rows.first?.decode(Int64.self)
    }

    func find(_ id: UUID) async throws -> TaskRecord? {
        let rows = try await client.rows(of: TaskByID(id), logger: logger)
        return try rows.first.map(Self.task)
    }
}

/// A creation's one statement: the key if any, the task, its audit row, its `task.created`.
struct TaskInsert: PreparedSQL {
    let query: PostgresQuery
}
