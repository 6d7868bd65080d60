import Foundation

/// `task.accepted`: The employee accepted the offer: IN_PROGRESS.
public struct TaskAccepted: EventPayload {
    public static let eventType = "task.accepted"
    public static let publisher = EventPublisher.tasks
    public static let schemaVersion = 1
    /// Its assignee sees it.
    public var concernedEmployee: UUID? { assigneeId }

    public var taskId: UUID
    public var version: Int
    public var assigneeId: UUID

    public init(taskId: UUID, version: Int, assigneeId: UUID) {
        self.taskId = taskId
        self.version = version
        self.assigneeId = assigneeId
    }
}
