import EventContracts
import Foundation

/// What the scheduler's routes read and change: `SchedulerStore` in PostgreSQL, and the in-memory
/// views the controller tests run against (docs/architecture.md, "Tests").
protocol SchedulerViews: Sendable {
    /// Waiting tasks, at most `limit` of them by base priority and age (all when nil).
    func queueDetails(limit: Int?) async throws -> [WaitingTask]
    /// Every employee, or only the one with id `only`, by username.
    func employeeSummaries(only: UUID?) async throws -> [EmployeeSummary]
    /// Sets an employee's availability and stores `employee.availability_changed` with it;
    /// false (and nothing stored) when it is already so.
    func setAvailability(_ id: UUID, to availability: Availability, reason: String, correlationId: UUID) async throws -> Bool
}

/// A task in the queue, with its name.
struct WaitingTask: Sendable {
    var task: AssignmentPolicy.QueuedTask
    var name: String
}

/// An employee as the scheduler sees them.
struct EmployeeSummary: Codable, Sendable {
    var id: UUID
    var username: String
    var fullName: String
    var active: Bool
    var online: Bool
    var availability: Availability
    /// Why the availability last changed (`reservation_expired`, `employee`, …).
    var availabilityReason: String?
    var load: Int
    var capacity: Int
    var skills: [String]
    /// When they were last given a task (nil: never).
    var idleSince: Date?
    var offlineSince: Date?
}
