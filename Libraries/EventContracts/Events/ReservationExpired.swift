import Foundation

/// `reservation.expired`: An offer was not accepted in time; tasks requeues it if still at `expectedVersion`.
public struct ReservationExpired: EventPayload {
    public static let eventType = "reservation.expired"
    public static let publisher = EventPublisher.scheduler
    public static let schemaVersion = 1
    /// The employee whose offer lapsed sees it.
    public var concernedEmployee: UUID? { employeeId }

    public var taskId: UUID
    public var employeeId: UUID
    public var reservationId: UUID
    public var expectedVersion: Int

    public init(taskId: UUID, employeeId: UUID, reservationId: UUID, expectedVersion: Int) {
        self.taskId = taskId
        self.employeeId = employeeId
        self.reservationId = reservationId
        self.expectedVersion = expectedVersion
    }
}
