import Foundation

/// `task.completed`: The employee completed the task with a comment.
public struct TaskCompleted: EventPayload {
    public static let eventType = "task.completed"
    public static let publisher = EventPublisher.tasks
    public static let schemaVersion = 1
    /// Its assignee sees it.
    public var concernedEmployee: UUID? { assigneeId }

    public var taskId: UUID
    public var version: Int
    public var assigneeId: UUID
    public var message: String

    public init(taskId: UUID, version: Int, assigneeId: UUID, message: String) {
        self.taskId = taskId
        self.version = version
        self.assigneeId = assigneeId
        self.message = message
    }
}
