import EventBackbone
import EventContracts
import Foundation

/// The events a transition publishes (docs/events.md, "The catalogue"; docs/tasks.md, "Lifecycle"), all carrying the task's new version.
struct TaskEvents {
    let correlationId: UUID
    var causationId: UUID?

    func envelope<Payload: EventPayload>(_ data: Payload) throws -> EncodedEvent {
        try EncodedEvent(EventEnvelope(source: "tasks", correlationId: correlationId, causationId: causationId, data: data))
    }

    func created(_ task: TaskRecord) throws -> EncodedEvent {
        try envelope(
            TaskCreated(
                taskId: task.id, version: task.version, assigneeId: nil, name: task.name, priority: task.priority,
                requiredSkills: task.requiredSkills, dueAt: task.dueAt, maxAttempts: task.maxAttempts, createdBy: task.createdBy
            ))
    }

    func assigned(_ change: TaskChange) throws -> [EncodedEvent] {
        let task = change.after
        return [
            try envelope(
                TaskAssigned(
                    taskId: task.id, version: task.version, assigneeId: task.assigneeId!, reservationId: task.reservationId!,
                    attempt: task.attempt, expiresAt: task.offerExpiresAt
                ))
        ]
    }

    func accepted(_ change: TaskChange) throws -> [EncodedEvent] {
        [try envelope(TaskAccepted(taskId: change.after.id, version: change.after.version, assigneeId: change.after.assigneeId!))]
    }

    func progressed(_ change: TaskChange, note: String?) throws -> [EncodedEvent] {
        let task = change.after
        return [
            try envelope(
                TaskProgressed(
                    taskId: task.id, version: task.version, assigneeId: task.assigneeId!, progress: task.progress, note: note
                ))
        ]
    }

    func completed(_ change: TaskChange, message: String) throws -> [EncodedEvent] {
        let task = change.after
        return [try envelope(TaskCompleted(taskId: task.id, version: task.version, assigneeId: task.assigneeId!, message: message))]
    }

    /// `task.failed`, and with attempts left `task.requeued{retry}` avoiding the employee until
    /// the backoff has passed.
    func failed(_ change: TaskChange, message: String, backoff: RetryBackoff, now: Date) throws -> [EncodedEvent] {
        let employee = change.before.assigneeId!
        let task = change.after
        switch change.outcome {
        case .failedWillRetry(let next):
            return [
                try envelope(
                    TaskFailed(
                        taskId: task.id, version: task.version, assigneeId: employee, message: message,
                        attempt: change.before.attempt, willRetry: true
                    )),
                try envelope(
                    TaskRequeued(
                        taskId: task.id, version: task.version, assigneeId: nil, reason: .retry, avoidEmployeeId: employee,
                        notBefore: backoff.notBefore(attempt: next, now: now)
                    )),
            ]
        default:
            return [
                try envelope(
                    TaskFailed(
                        taskId: task.id, version: task.version, assigneeId: employee, message: message,
                        attempt: change.before.attempt, willRetry: false
                    ))
            ]
        }
    }

    func requeued(_ change: TaskChange, reason: RequeueReason) throws -> [EncodedEvent] {
        // An offer that lapsed or an employee who left: prefer someone else next time.
        let avoid = reason == .reservationExpired || reason == .employeeGone ? change.before.assigneeId : nil
        return [
            try envelope(
                TaskRequeued(
                    taskId: change.after.id, version: change.after.version, assigneeId: nil, reason: reason, avoidEmployeeId: avoid,
                    notBefore: nil
                ))
        ]
    }

    /// An admin took the task back from its assignee (offered or in progress): not offered to
    /// them again before `avoidUntil` (as a decline), and they are told why (`message`).
    func unassigned(_ change: TaskChange, reason: String?, avoidUntil: Date) throws -> [EncodedEvent] {
        [
            try envelope(
                TaskRequeued(
                    taskId: change.after.id, version: change.after.version, assigneeId: nil, reason: .adminUnassign,
                    avoidEmployeeId: change.before.assigneeId, notBefore: nil, avoidUntil: avoidUntil, message: reason
                ))
        ]
    }

    /// The employee turned the offer down: someone else gets it, and they do not before `avoidUntil`.
    func declined(_ change: TaskChange, reason: String?, avoidUntil: Date) throws -> [EncodedEvent] {
        [
            try envelope(
                TaskRequeued(
                    taskId: change.after.id, version: change.after.version, assigneeId: nil, reason: .declined,
                    avoidEmployeeId: change.before.assigneeId, notBefore: nil, avoidUntil: avoidUntil, message: reason
                ))
        ]
    }

    func flagged(_ change: TaskChange, reason: String) throws -> [EncodedEvent] {
        let task = change.after
        return [try envelope(TaskFlagged(taskId: task.id, version: task.version, assigneeId: task.assigneeId!, reason: reason))]
    }

    func cancelled(_ change: TaskChange, by admin: UUID, reason: String?) throws -> [EncodedEvent] {
        let task = change.after
        return [try envelope(TaskCancelled(taskId: task.id, version: task.version, assigneeId: task.assigneeId, by: admin, reason: reason))]
    }

    /// An admin's edit: every editable detail as it is now, and which of them this edit changed.
    func edited(_ change: TaskChange, _ edit: TaskEdit, by admin: UUID) throws -> [EncodedEvent] {
        let task = change.after
        return [
            try envelope(
                TaskEdited(
                    taskId: task.id, version: task.version, assigneeId: task.assigneeId, priority: task.priority,
                    description: task.description, dueAt: task.dueAt, requiredSkills: task.requiredSkills,
                    changed: edit.changes(to: change.before), editedBy: admin
                ))
        ]
    }

    /// A comment, for the task's assignee (and the admins' feed).
    func commented(_ comment: Comment, task: TaskRecord) throws -> [EncodedEvent] {
        [
            try envelope(
                TaskCommented(
                    taskId: task.id, version: task.version, assigneeId: task.assigneeId, commentId: comment.id, authorId: comment.authorId,
                    message: comment.message
                ))
        ]
    }
}
