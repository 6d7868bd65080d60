import Foundation

/// `task.assigned`: tasks accepted a proposal: the task is ASSIGNED (offered) to `assigneeId`, until `expiresAt`.
public struct TaskAssigned: EventPayload {
    public static let eventType = "task.assigned"
    public static let publisher = EventPublisher.tasks
    public static let schemaVersion = 1
    /// The employee it is offered to sees it.
    public var concernedEmployee: UUID? { assigneeId }

    public var taskId: UUID
    public var version: Int
    public var assigneeId: UUID
    public var reservationId: UUID
    public var attempt: Int
    public var expiresAt: Date?

    public init(taskId: UUID, version: Int, assigneeId: UUID, reservationId: UUID, attempt: Int, expiresAt: Date? = nil) {
        self.taskId = taskId
        self.version = version
        self.assigneeId = assigneeId
        self.reservationId = reservationId
        self.attempt = attempt
        self.expiresAt = expiresAt
    }
}
