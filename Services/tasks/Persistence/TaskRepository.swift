import EventBackbone
import EventContracts
import Foundation
import Logging
import Persistence
import PostgresNIO

/// Tasks, comments, the audit trail and idempotency keys in the `tasks` schema. Every change is
/// one transaction: the row (conditional on its version), one audit row, and its events.
struct TaskRepository: Sendable {
    let client: PostgresClient
    let logger: Logger
    let outbox = Outbox(schema: "tasks")

    static let columns = """
        id, name, description, priority, required_skills, status, assignee_id, reservation_id, attempt, max_attempts,
        progress, flagged, due_at, version, created_by, created_at, updated_at, offer_expires_at
        """

    static func task(_ row: PostgresRow) throws -> TaskRecord {
        let columns = row.makeRandomAccess()
        return TaskRecord(
            id: try columns[0].decode(UUID.self), name: try columns[1].decode(String.self),
            description: try columns[2].decode(String.self), priority: try columns[3].decode(Int.self),
            requiredSkills: try columns[4].decode([String].self),
            status: TaskStatus(rawValue: try columns[5].decode(String.self)) ?? .pending,
            assigneeId: try columns[6].decode(UUID?.self), reservationId: try columns[7].decode(UUID?.self),
            attempt: try columns[8].decode(Int.self), maxAttempts: try columns[9].decode(Int.self),
            progress: try columns[10].decode(Int.self), flagged: try columns[11].decode(Bool.self),
            dueAt: try columns[12].decode(Date?.self), offerExpiresAt: try columns[17].decode(Date?.self),
            version: try columns[13].decode(Int.self),
            createdBy: try columns[14].decode(UUID.self), createdAt: try columns[15].decode(Date.self),
            updatedAt: try columns[16].decode(Date.self)
        )
    }

    enum CreateResult {
        case created(TaskRecord)
        /// The same idempotency key and body as before: the task made then.
        case replayed(TaskRecord)
        /// The same idempotency key with a different body.
        case keyReused
    }

    /// Creates a task, its audit row and `task.created`; with an idempotency key, at most once.
    /// Without a key it is one autocommitted statement.
    func create(_ task: TaskRecord, idempotency: (key: String, hash: String)?, correlationId: UUID) async throws -> CreateResult {
        let created = try EncodedEvent(EventEnvelope(source: "tasks", correlationId: correlationId, data: TaskCreated(
            taskId: task.id, version: task.version, assigneeId: nil, name: task.name, priority: task.priority,
            requiredSkills: task.requiredSkills, dueAt: task.dueAt, maxAttempts: task.maxAttempts, createdBy: task.createdBy
        )))
        guard let idempotency else {
            try await client.withConnection { connection in try await insert(task, announcing: created, on: connection) }
            return .created(task)
        }
        return try await client.transaction(logger: logger) { connection in
            // Serialise creations with the same key, then look for an earlier one.
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtext(\(task.createdBy.uuidString + ":" + idempotency.key)))", logger: logger
            )
            let earlier = try await connection.query(
                """
                SELECT request_hash, task_id FROM tasks.idempotency_keys
                WHERE created_by = \(task.createdBy) AND key = \(idempotency.key)
                """,
                logger: logger
            ).collect()
            if let row = earlier.first {
                let (hash, taskId) = try row.decode((String, UUID).self)
                guard hash == idempotency.hash else { return .keyReused }
                let rows = try await connection.query(
                    "SELECT \(unescaped: Self.columns) FROM tasks.tasks WHERE id = \(taskId)", logger: logger
                ).collect()
                return .replayed(try Self.task(rows[0]))
            }
            try await insert(task, announcing: created, on: connection)
            try await connection.query(
                """
                INSERT INTO tasks.idempotency_keys (created_by, key, request_hash, task_id)
                VALUES (\(task.createdBy), \(idempotency.key), \(idempotency.hash), \(task.id))
                """,
                logger: logger
            )
            return .created(task)
        }
    }

    /// The task, its "create" audit row and its `task.created`, in one statement.
    private func insert(_ task: TaskRecord, announcing created: EncodedEvent, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            WITH inserted AS (
                INSERT INTO tasks.tasks (id, name, description, priority, required_skills, status, attempt, max_attempts,
                    progress, flagged, due_at, version, created_by, created_at, updated_at)
                VALUES (\(task.id), \(task.name), \(task.description), \(task.priority), \(task.requiredSkills),
                    \(task.status.rawValue), \(task.attempt), \(task.maxAttempts), 0, false, tasks.to_ms(\(task.dueAt)), \(task.version),
                    \(task.createdBy), tasks.to_ms(\(task.createdAt)), tasks.to_ms(\(task.updatedAt)))
                RETURNING id
            ), audited AS (
                INSERT INTO tasks.audit (task_id, actor_id, action, from_status, to_status, reason)
                SELECT id, \(task.createdBy), 'create', NULL, \(task.status.rawValue), NULL FROM inserted
            )
            INSERT INTO tasks.outbox (event_id, event_type, body)
            SELECT \(created.id), \(created.type), \(created.body) FROM inserted
            """,
            logger: logger
        )
    }

    func find(_ id: UUID) async throws -> TaskRecord? {
        let rows = try await client.query("SELECT \(unescaped: Self.columns) FROM tasks.tasks WHERE id = \(id)", logger: logger).collect()
        return try rows.first.map(Self.task)
    }
}
