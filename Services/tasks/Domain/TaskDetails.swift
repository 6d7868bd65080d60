import Foundation

// What a task carries beside its record: how it was asked for, its comments, its audit trail and
// the attempts that ended. The HTTP bodies made of them are in HTTP/TaskBodies.swift.

/// A validated creation, also what an idempotency key's body is compared by.
struct NewTask: Codable, Equatable {
    var name: String
    var description: String
    var priority: Int
    var requiredSkills: [String]
    var maxAttempts: Int
    var dueAt: Date?
}

/// A comment on a task (with a completion or failure, or on its own).
struct Comment: Codable, Sendable {
    var id: UUID
    var taskId: UUID
    var authorId: UUID
    var message: String
    var createdAt: Date
}

/// One transition of a task.
struct AuditEntry: Codable, Sendable {
    var actorId: UUID?
    var action: String
    var from: String?
    var to: String
    var reason: String?
    var at: Date
    /// The employee the transition concerned (offered to, declined or ended by).
    var assigneeId: UUID?
}

/// One of an employee's ended attempts: the task as it is now, and how their attempt ended (a
/// failure that was retried shows FAILED though the task has moved on).
struct EndedAttempt: Sendable {
    var task: TaskRecord
    var outcome: TaskStatus
    var finishedAt: Date

    static func outcome(of action: String) -> TaskStatus {
        switch action {
        case "complete": .completed
        case "fail": .failed
        default: .cancelled
        }
    }
}

/// A task someone holds — offered to them or in their hands — and since when.
struct HeldTask: Sendable {
    var task: TaskRecord
    /// When it was offered to the employee who holds it.
    var heldSince: Date
    /// When they accepted it (nil while it is only offered).
    var acceptedAt: Date?

    /// The work held, by the employee holding it: the one who has held a task longest first, each
    /// one's tasks oldest first, whatever order `held` comes in.
    static func byHolder(_ held: [HeldTask]) -> [(employee: UUID, tasks: [HeldTask])] {
        var order: [UUID] = []
        var tasks: [UUID: [HeldTask]] = [:]
        for item in held.sorted(by: { ($0.heldSince, $0.task.id.uuidString) < ($1.heldSince, $1.task.id.uuidString) }) {
            guard let employee = item.task.assigneeId else { continue }
            if tasks[employee] == nil { order.append(employee) }
            tasks[employee, default: []].append(item)
        }
        return order.map { ($0, tasks[$0] ?? []) }
    }
}
