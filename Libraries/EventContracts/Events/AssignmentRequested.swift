import Foundation

/// `assignment.requested`: An admin asked for a task to be assigned to a given employee.
public struct AssignmentRequested: EventPayload {
    public static let eventType = "assignment.requested"
    public static let publisher = EventPublisher.tasks
    public static let schemaVersion = 1

    public var taskId: UUID
    public var employeeId: UUID
    public var requestedBy: UUID
    /// The version at which tasks saw the task PENDING when the admin asked: a scheduler whose
    /// view is older holds the request until its view catches up (docs/scheduling.md). Absent in
    /// requests published before it existed, which wait only for the task's creation.
    public var version: Int?

    public init(taskId: UUID, employeeId: UUID, requestedBy: UUID, version: Int? = nil) {
        self.taskId = taskId
        self.employeeId = employeeId
        self.requestedBy = requestedBy
        self.version = version
    }
}
