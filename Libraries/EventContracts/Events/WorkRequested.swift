import Foundation

/// `work.requested`: An employee asked for their next task.
public struct WorkRequested: EventPayload {
    public static let eventType = "work.requested"
    public static let publisher = EventPublisher.tasks
    public static let schemaVersion = 1

    public var employeeId: UUID

    public init(employeeId: UUID) {
        self.employeeId = employeeId
    }
}
