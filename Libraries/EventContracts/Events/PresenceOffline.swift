import Foundation

/// `presence.offline`: An employee's last live session ended or expired.
public struct PresenceOffline: EventPayload {
    public static let eventType = "presence.offline"
    public static let publisher = EventPublisher.notifier
    public static let schemaVersion = 1

    public var employeeId: UUID
    public var at: Date

    public init(employeeId: UUID, at: Date) {
        self.employeeId = employeeId
        self.at = at
    }
}
