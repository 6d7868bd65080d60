import Foundation

/// `assignment.requested`: An admin asked for a task to be assigned to a given employee.
public struct AssignmentRequested: EventPayload {
    public static let eventType = "assignment.requested"
    public static let schemaVersion = 1

    public var taskId: UUID
    public var employeeId: UUID
    public var requestedBy: UUID

    public init(taskId: UUID, employeeId: UUID, requestedBy: UUID) {
        self.taskId = taskId
        self.employeeId = employeeId
        self.requestedBy = requestedBy
    }
}
