/// Where a task is in its lifecycle (docs/tasks.md, "Lifecycle").
enum TaskStatus: String, Codable, Sendable, CaseIterable {
    case pending = "PENDING"
    case assigned = "ASSIGNED"
    case inProgress = "IN_PROGRESS"
    case completed = "COMPLETED"
    case failed = "FAILED"
    case cancelled = "CANCELLED"

    /// No transition leaves these, except an admin's retry of a FAILED task.
    var isTerminal: Bool { self == .completed || self == .failed || self == .cancelled }
}
