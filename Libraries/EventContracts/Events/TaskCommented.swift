import Foundation

/// `task.commented`: Someone commented on a task; its assignee, if any, sees it. The version is the task's, unchanged.
public struct TaskCommented: EventPayload {
    public static let eventType = "task.commented"
    public static let publisher = EventPublisher.tasks
    public static let schemaVersion = 1
    /// Its assignee, if it has one, sees it.
    public var concernedEmployee: UUID? { assigneeId }

    public var taskId: UUID
    public var version: Int
    public var assigneeId: UUID?
    public var commentId: UUID
    public var authorId: UUID
    public var message: String

    public init(taskId: UUID, version: Int, assigneeId: UUID?, commentId: UUID, authorId: UUID, message: String) {
        self.taskId = taskId
        self.version = version
        self.assigneeId = assigneeId
        self.commentId = commentId
        self.authorId = authorId
        self.message = message
    }
}
