import Foundation

/// `task.created`: An admin created a task; it is PENDING.
public struct TaskCreated: EventPayload {
    public static let eventType = "task.created"
    public static let publisher = EventPublisher.tasks
    public static let schemaVersion = 1

    public var taskId: UUID
    public var version: Int
    public var assigneeId: UUID?
    public var name: String
    public var priority: Int
    public var requiredSkills: [String]
    public var dueAt: Date?
    public var maxAttempts: Int
    public var createdBy: UUID

    public init(
        taskId: UUID, version: Int, assigneeId: UUID? = nil, name: String, priority: Int, requiredSkills: [String], dueAt: Date? = nil,
        maxAttempts: Int, createdBy: UUID
    ) {
        self.taskId = taskId
        self.version = version
        self.assigneeId = assigneeId
        self.name = name
        self.priority = priority
        self.requiredSkills = requiredSkills
        self.dueAt = dueAt
        self.maxAttempts = maxAttempts
        self.createdBy = createdBy
    }
}
