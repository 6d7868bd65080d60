import Foundation

/// `presence.online`: An employee's first live session appeared.
public struct PresenceOnline: EventPayload {
    public static let eventType = "presence.online"
    public static let publisher = EventPublisher.notifier
    public static let schemaVersion = 1

    public var employeeId: UUID
    public var at: Date

    public init(employeeId: UUID, at: Date) {
        self.employeeId = employeeId
        self.at = at
    }
}
