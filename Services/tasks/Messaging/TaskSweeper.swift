import EventBackbone
import EventContracts
import Foundation
import Logging
import PostgresNIO
import Resilience
import ServiceLifecycle

/// Every few seconds: publishes `task.overdue` once for each open task past its due time, and
/// requeues flagged tasks nobody touched for the flagged timeout. Safe with several replicas:
/// each change is conditional on the row still being as it was seen.
struct TaskSweeper: Service {
    let tasks: TaskRepository
    let settings: TaskSettings
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    // Given up when it hangs (a query lost as PostgreSQL restarts never returns).
                    try await withDeadline(.seconds(15)) {
                        try await publishOverdue()
                        try await requeueAbandoned()
                    }
                } catch is CancellationError where Task.isCancelled {
                    return
                } catch {
                    logger.warning("task sweep failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: settings.sweepInterval)
            }
        }
    }

    func publishOverdue() async throws {
        try await tasks.client.transaction(logger: logger) { connection in
            let rows = try await connection.query(
                """
                UPDATE tasks.tasks SET overdue_published = true
                WHERE id IN (
                    SELECT id FROM tasks.tasks
                    WHERE due_at < now() AND NOT overdue_published AND status IN ('PENDING', 'ASSIGNED', 'IN_PROGRESS')
                    ORDER BY due_at LIMIT 500 FOR UPDATE SKIP LOCKED)
                RETURNING id, version, assignee_id, due_at
                """,
                logger: logger
            ).collect()
            let events = TaskEvents(correlationId: UUID.random())
            let overdue = try rows.map { row in
                let (id, version, assignee, due) = try row.decode((UUID, Int, UUID?, Date).self)
                return try events.envelope(TaskOverdue(taskId: id, version: version, assigneeId: assignee, dueAt: due))
            }
            try await tasks.outbox.append(overdue, on: connection, logger: logger)
        }
    }

    func requeueAbandoned() async throws {
        let seconds = Double(settings.flaggedTimeout.components.seconds)
        let rows = try await tasks.client.query(
            """
            SELECT id, version FROM tasks.tasks
            WHERE flagged AND status = 'IN_PROGRESS' AND updated_at < now() - make_interval(secs => \(seconds)) LIMIT 500
            """,
            logger: logger
        ).collect()
        let events = TaskEvents(correlationId: UUID.random())
        for row in rows {
            let (id, version) = try row.decode((UUID, Int).self)
            _ = try? await tasks.transition(
                id, .requeue(.employeeGone), actor: nil, reason: "flagged and untouched", expectedVersion: version
            ) { change in try events.requeued(change, reason: .employeeGone) }
        }
    }
}
