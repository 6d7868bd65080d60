import Foundation

/// `employee.gone`: An employee has been offline longer than the grace period.
public struct EmployeeGone: EventPayload {
    public static let eventType = "employee.gone"
    public static let publisher = EventPublisher.scheduler
    public static let schemaVersion = 1

    public var employeeId: UUID
    public var taskIds: [UUID]
    public var since: Date

    public init(employeeId: UUID, taskIds: [UUID], since: Date) {
        self.employeeId = employeeId
        self.taskIds = taskIds
        self.since = since
    }
}
