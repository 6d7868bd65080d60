import Foundation

/// `task.assignment_rejected`: tasks refused a proposal (the task moved on meanwhile); the reservation is void.
public struct TaskAssignmentRejected: EventPayload {
    public static let eventType = "task.assignment_rejected"
    public static let publisher = EventPublisher.tasks
    public static let schemaVersion = 1

    public var taskId: UUID
    public var version: Int
    public var assigneeId: UUID?
    public var employeeId: UUID
    public var reservationId: UUID
    public var reason: String

    public init(taskId: UUID, version: Int, assigneeId: UUID? = nil, employeeId: UUID, reservationId: UUID, reason: String) {
        self.taskId = taskId
        self.version = version
        self.assigneeId = assigneeId
        self.employeeId = employeeId
        self.reservationId = reservationId
        self.reason = reason
    }
}
