import Foundation

/// `task.cancelled`: An admin cancelled the task, saying why in `reason` if they chose to.
public struct TaskCancelled: EventPayload {
    public static let eventType = "task.cancelled"
    public static let publisher = EventPublisher.tasks
    public static let schemaVersion = 1
    /// Its assignee, if it had one, sees it.
    public var concernedEmployee: UUID? { assigneeId }

    public var taskId: UUID
    public var version: Int
    public var assigneeId: UUID?
    public var by: UUID
    public var reason: String?

    public init(taskId: UUID, version: Int, assigneeId: UUID? = nil, by: UUID, reason: String? = nil) {
        self.taskId = taskId
        self.version = version
        self.assigneeId = assigneeId
        self.by = by
        self.reason = reason
    }
}
