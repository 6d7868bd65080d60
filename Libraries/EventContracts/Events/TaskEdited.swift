import Foundation

/// `task.edited`: An admin changed an open task's details — its priority, description, due time
/// or required skills; the status does not move. The payload carries every editable detail as it
/// is now (not only what changed), so a consumer sets them; `changed` names the ones this edit
/// changed, for the feeds.
public struct TaskEdited: EventPayload {
    public static let eventType = "task.edited"
    public static let publisher = EventPublisher.tasks
    public static let schemaVersion = 1
    /// The assignee sees what became of the work they hold or have on offer.
    public var concernedEmployee: UUID? { assigneeId }

    public var taskId: UUID
    public var version: Int
    public var assigneeId: UUID?
    public var priority: Int
    public var description: String
    public var dueAt: Date?
    public var requiredSkills: [String]
    /// `priority`, `description`, `dueAt`, `requiredSkills`: what this edit changed.
    public var changed: [String]
    public var editedBy: UUID

    public init(
        taskId: UUID, version: Int, assigneeId: UUID? = nil, priority: Int, description: String, dueAt: Date? = nil,
        requiredSkills: [String], changed: [String], editedBy: UUID
    ) {
        self.taskId = taskId
        self.version = version
        self.assigneeId = assigneeId
        self.priority = priority
        self.description = description
        self.dueAt = dueAt
        self.requiredSkills = requiredSkills
        self.changed = changed
        self.editedBy = editedBy
    }
}
