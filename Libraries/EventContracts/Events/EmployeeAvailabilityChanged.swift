import Foundation

/// `employee.availability_changed`: An employee became AVAILABLE or AWAY.
public struct EmployeeAvailabilityChanged: EventPayload {
    public static let eventType = "employee.availability_changed"
    public static let publisher = EventPublisher.scheduler
    public static let schemaVersion = 1
    /// The employee whose availability it is sees it.
    public var concernedEmployee: UUID? { employeeId }

    public var employeeId: UUID
    public var availability: Availability
    public var reason: String

    public init(employeeId: UUID, availability: Availability, reason: String) {
        self.employeeId = employeeId
        self.availability = availability
        self.reason = reason
    }
}
