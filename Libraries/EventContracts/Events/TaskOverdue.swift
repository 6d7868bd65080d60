import Foundation

/// `task.overdue`: The task is still open past its due time (published once).
public struct TaskOverdue: EventPayload {
    public static let eventType = "task.overdue"
    public static let publisher = EventPublisher.tasks
    public static let schemaVersion = 1
    /// Its assignee, if it has one, sees it.
    public var concernedEmployee: UUID? { assigneeId }

    public var taskId: UUID
    public var version: Int
    public var assigneeId: UUID?
    public var dueAt: Date

    public init(taskId: UUID, version: Int, assigneeId: UUID? = nil, dueAt: Date) {
        self.taskId = taskId
        self.version = version
        self.assigneeId = assigneeId
        self.dueAt = dueAt
    }
}
