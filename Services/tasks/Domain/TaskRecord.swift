import Foundation

/// A task as stored and as the API shows it (docs/tasks.md, "API").
struct TaskRecord: Codable, Sendable, Equatable {
    var id: UUID
    var name: String
    var description: String
    var priority: Int
    var requiredSkills: [String]
    var status: TaskStatus
    var assigneeId: UUID?
    var reservationId: UUID?
    var attempt: Int
    var maxAttempts: Int
    var progress: Int
    var flagged: Bool
    var dueAt: Date?
    /// While the task is offered: when the offer lapses.
    var offerExpiresAt: Date?
    var version: Int
    var createdBy: UUID
    var createdAt: Date
    var updatedAt: Date

    var lifecycle: TaskLifecycle.State {
        TaskLifecycle.State(
            status: status, assigneeId: assigneeId, reservationId: reservationId, attempt: attempt,
            maxAttempts: maxAttempts, progress: progress, flagged: flagged, version: version,
            offerExpiresAt: offerExpiresAt
        )
    }

    /// This task with a new lifecycle state.
    func with(_ state: TaskLifecycle.State, at now: Date) -> TaskRecord {
        var task = self
        task.status = state.status
        task.assigneeId = state.assigneeId
        task.reservationId = state.reservationId
        task.attempt = state.attempt
        task.maxAttempts = state.maxAttempts
        task.progress = state.progress
        task.flagged = state.flagged
        task.version = state.version
        task.offerExpiresAt = state.offerExpiresAt
        task.updatedAt = now
        return task
    }
}
