import Foundation

/// `task.flagged`: An in-progress task needs attention (its employee went away).
public struct TaskFlagged: EventPayload {
    public static let eventType = "task.flagged"
    public static let publisher = EventPublisher.tasks
    public static let schemaVersion = 1
    /// Its assignee sees it.
    public var concernedEmployee: UUID? { assigneeId }

    public var taskId: UUID
    public var version: Int
    public var assigneeId: UUID
    public var reason: String

    public init(taskId: UUID, version: Int, assigneeId: UUID, reason: String) {
        self.taskId = taskId
        self.version = version
        self.assigneeId = assigneeId
        self.reason = reason
    }
}
