import Foundation

/// `task.failed`: The employee failed the task with a comment; `willRetry` when attempts are left.
public struct TaskFailed: EventPayload {
    public static let eventType = "task.failed"
    public static let publisher = EventPublisher.tasks
    public static let schemaVersion = 1
    /// Its assignee sees it.
    public var concernedEmployee: UUID? { assigneeId }

    public var taskId: UUID
    public var version: Int
    public var assigneeId: UUID
    public var message: String
    public var attempt: Int
    public var willRetry: Bool

    public init(taskId: UUID, version: Int, assigneeId: UUID, message: String, attempt: Int, willRetry: Bool) {
        self.taskId = taskId
        self.version = version
        self.assigneeId = assigneeId
        self.message = message
        self.attempt = attempt
        self.willRetry = willRetry
    }
}
