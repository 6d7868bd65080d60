import Foundation

/// `assignment.proposed`: The scheduler reserved a task for an employee; tasks accepts it only at `expectedVersion`.
/// `reservationSeconds`: how long the offer stays open once made (the scheduler withdraws it then).
public struct AssignmentProposed: EventPayload {
    public static let eventType = "assignment.proposed"
    public static let publisher = EventPublisher.scheduler
    public static let schemaVersion = 1

    public var taskId: UUID
    public var employeeId: UUID
    public var reservationId: UUID
    public var expectedVersion: Int
    public var reservationSeconds: Double?

    public init(taskId: UUID, employeeId: UUID, reservationId: UUID, expectedVersion: Int, reservationSeconds: Double? = nil) {
        self.taskId = taskId
        self.employeeId = employeeId
        self.reservationId = reservationId
        self.expectedVersion = expectedVersion
        self.reservationSeconds = reservationSeconds
    }
}
