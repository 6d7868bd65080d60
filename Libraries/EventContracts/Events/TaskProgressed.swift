import Foundation

/// `task.progressed`: The employee reported progress (0–100).
public struct TaskProgressed: EventPayload {
    public static let eventType = "task.progressed"
    public static let publisher = EventPublisher.tasks
    public static let schemaVersion = 1
    /// Its assignee sees it.
    public var concernedEmployee: UUID? { assigneeId }

    public var taskId: UUID
    public var version: Int
    public var assigneeId: UUID
    public var progress: Int
    public var note: String?

    public init(taskId: UUID, version: Int, assigneeId: UUID, progress: Int, note: String? = nil) {
        self.taskId = taskId
        self.version = version
        self.assigneeId = assigneeId
        self.progress = progress
        self.note = note
    }
}
