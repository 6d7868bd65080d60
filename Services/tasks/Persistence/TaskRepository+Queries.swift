import EventBackbone
import Foundation
import Persistence
import PostgresNIO

/// Reads for the API, comments, and events that change no task.
extension TaskRepository {
    func list(_ filter: TaskFilter, page: Int, size: Int) async throws -> (items: [TaskRecord], total: Int) {
        // A search is a whole id, or the beginnings of words of the name (TaskSearch); one with
        // neither finds nothing (an empty tsquery matches no row). The words' ids are an array
        // worked out once, looked up by the primary key: an `id IN (subquery)` under the OR that
        // leaves it out when there are no words would be tested against every row of the table.
        let id = filter.search.flatMap { UUID(uuidString: $0) }
        let words = id == nil ? filter.search.map { TaskSearch.query($0) ?? "" } : nil
        /// `head` over the filtered tasks, then `tail`. `fenced`: the rows are found in a subquery
        /// planned on its own (`OFFSET 0`) and `tail` sorts what it found — for a search, which the
        /// planner would otherwise meet by walking the newest-first index in the hope of a page of
        /// matches early: every row of the table when nothing matches.
        func filtered(_ head: String, _ tail: String = "", fenced: Bool = false) -> PostgresQuery {
            let (open, close) = fenced ? ("SELECT * FROM (", "OFFSET 0) AS found \(tail)") : ("", tail)
            return """
                \(unescaped: open)\(unescaped: head) FROM tasks.tasks
                WHERE (\(filter.status?.rawValue)::text IS NULL OR status = \(filter.status?.rawValue))
                AND (\(filter.priority)::integer IS NULL OR priority = \(filter.priority))
                AND (\(filter.assignee)::uuid IS NULL OR assignee_id = \(filter.assignee))
                AND (\(filter.createdFrom)::timestamptz IS NULL OR created_at >= tasks.to_ms(\(filter.createdFrom)))
                AND (\(filter.createdTo)::timestamptz IS NULL OR created_at < tasks.to_ms(\(filter.createdTo)))
                AND (NOT \(filter.overdue) OR (due_at < now() AND status IN ('PENDING', 'ASSIGNED', 'IN_PROGRESS')))
                AND (\(id)::uuid IS NULL OR id = \(id))
                AND (\(words)::text IS NULL OR id = ANY(ARRAY(
                    SELECT w.id FROM tasks.task_words w WHERE w.words @@ \(words)::tsquery)))
                AND (\(filter.skill)::text IS NULL OR EXISTS (SELECT FROM unnest(required_skills) AS s WHERE lower(s) = lower(\(filter.skill))))
                \(unescaped: close)
                """
        }
        if let words, filter.isOnlyASearch, filter.sort.key == .created {
            return try await found(words, descending: filter.sort.descending, page: page, size: size)
        }
        let total = try await client.query(filtered("SELECT count(*)"), logger: logger).collect().first?.decode(Int.self) ?? 0
        let rows = try await client.query(
            filtered(
                "SELECT \(Self.columns)", "ORDER BY \(Self.order(filter.sort)) LIMIT \(size) OFFSET \(page * size)",
                fenced: filter.search != nil), logger: logger
        ).collect()
        return (try rows.map(Self.task), total)
    }

    /// A search by words and nothing else, newest or oldest first: its matches counted and paged
    /// in `task_words` alone (their creation time is beside their words), and only the page's
    /// tasks read — the same tasks in the same order as the general query, which fetched every
    /// match from `tasks.tasks` to sort them (~100 ms for a word in a fifth of 100,000 names).
    private func found(_ words: String, descending: Bool, page: Int, size: Int) async throws -> (items: [TaskRecord], total: Int) {
        let order = descending ? "created_at DESC, id" : "created_at ASC, id"
        let total =
            try await client.query(
                "SELECT count(*) FROM tasks.task_words WHERE words @@ \(words)::tsquery", logger: logger
            ).collect().first?.decode(Int.self) ?? 0
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columns) FROM tasks.tasks WHERE id = ANY(ARRAY(
                SELECT id FROM tasks.task_words WHERE words @@ \(words)::tsquery
                ORDER BY \(unescaped: order) LIMIT \(size) OFFSET \(page * size)))
            ORDER BY \(unescaped: order)
            """,
            logger: logger
        ).collect()
        return (try rows.map(Self.task), total)
    }

    /// `sort` as an ORDER BY: its column (a due date that is not there last either way), then the
    /// newest first, then the id.
    static func order(_ sort: TaskSort) -> String {
        let direction = sort.descending ? "DESC" : "ASC"
        let tieBreak = "created_at DESC, id"
        switch sort.key {
        case .created: return sort.descending ? tieBreak : "created_at ASC, id"
        case .updated: return "updated_at \(direction), \(tieBreak)"
        case .priority: return "priority \(direction), \(tieBreak)"
        case .due: return "due_at \(direction) NULLS LAST, \(tieBreak)"
        case .name: return "lower(name) \(direction), \(tieBreak)"
        case .status:
            // The lifecycle's order, not the alphabet's.
            let order = TaskStatus.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            return "array_position(ARRAY[\(order)], status) \(direction), \(tieBreak)"
        }
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
            "SELECT actor_id, action, from_status, to_status, reason, at, assignee_id FROM tasks.audit WHERE task_id = \(taskId) ORDER BY id",
            logger: logger
        )
        var entries: [AuditEntry] = []
        for try await (actor, action, from, to, reason, at, assignee) in rows.decode(
            (UUID?, String, String?, String, String?, Date, UUID?).self)
        {
            entries.append(AuditEntry(actorId: actor, action: action, from: from, to: to, reason: reason, at: at, assigneeId: assignee))
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

    func held(limit: Int) async throws -> (items: [HeldTask], total: Int) {
        // The held statuses' part of `tasks_status`; the window counts every row the WHERE keeps, before the LIMIT.
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columns), coalesce(assigned_at, updated_at), accepted_at, count(*) OVER ()
            FROM tasks.tasks WHERE status IN ('ASSIGNED', 'IN_PROGRESS') AND assignee_id IS NOT NULL
            ORDER BY coalesce(assigned_at, updated_at), id LIMIT \(limit)
            """,
            logger: logger
        ).collect()
        var total = 0
        let items = try rows.map { row in
            let columns = row.makeRandomAccess()
            let count = columns.count
            total = try columns[count - 1].decode(Int.self)
            let task = try Self.task(row)
            return HeldTask(
                task: task, heldSince: try columns[count - 3].decode(Date.self),
                acceptedAt: task.status == .inProgress ? try columns[count - 2].decode(Date?.self) : nil
            )
        }
        return (items, total)
    }

    /// The employee's ended attempts, newest first: each completion, each failure (also one that
    /// was retried, so the task has moved on since), each cancellation of work they held.
    func history(of employee: UUID, page: Int, size: Int) async throws -> (items: [EndedAttempt], total: Int) {
        let total =
            try await client.query(
                "SELECT count(*) FROM tasks.audit a WHERE a.assignee_id = \(employee) AND a.action IN ('complete', 'fail', 'cancel')",
                logger: logger
            ).collect().first?.decode(Int.self) ?? 0
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columnsOfT), a.action, a.at FROM tasks.audit a JOIN tasks.tasks t ON t.id = a.task_id
            WHERE a.assignee_id = \(employee) AND a.action IN ('complete', 'fail', 'cancel')
            ORDER BY a.id DESC LIMIT \(size) OFFSET \(page * size)
            """,
            logger: logger
        ).collect()
        return (
            try rows.map { row in
                let columns = row.makeRandomAccess()
                let action = try columns[columns.count - 2].decode(String.self)
                return EndedAttempt(
                    task: try Self.task(row), outcome: EndedAttempt.outcome(of: action),
                    finishedAt: try columns[columns.count - 1].decode(Date.self)
                )
            }, total
        )
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

    /// Adds a comment and the events `make` returns for the task it is on, in one transaction;
    /// false when there is no such task. `make` may throw to refuse.
    func addComment(_ comment: Comment, events make: @Sendable (TaskRecord) throws -> [EncodedEvent]) async throws -> Bool {
        try await client.transaction(logger: logger) { connection in
            let rows = try await connection.rows(of: TaskByID(comment.taskId), logger: logger)
            guard let task = try rows.first.map(Self.task) else { return false }
            let events = try make(task)
            try await addComment(comment, on: connection)
            try await outbox.append(events, on: connection, logger: logger)
            return true
        }
    }

    /// Events that change no task (manual assignment requests, requests for work).
    func publish(_ events: [EncodedEvent]) async throws {
        try await client.transaction(logger: logger) { connection in
            try await outbox.append(events, on: connection, logger: logger)
        }
    }
}
