import Foundation

/// The scheduler could not carry out an admin's manual assignment (`assignment.requested`):
/// the employee is unknown, deactivated or at capacity, or the task is no longer waiting.
/// Added to the first design's catalogue so the admin learns why nothing happened.
public struct AssignmentRefused: EventPayload {
    public static let eventType = "assignment.refused"
    public static let publisher = EventPublisher.scheduler
    public static let schemaVersion = 1

    public var taskId: UUID
    public var employeeId: UUID
    public var requestedBy: UUID
    public var reason: String

    public init(taskId: UUID, employeeId: UUID, requestedBy: UUID, reason: String) {
        self.taskId = taskId
        self.employeeId = employeeId
        self.requestedBy = requestedBy
        self.reason = reason
    }
}
