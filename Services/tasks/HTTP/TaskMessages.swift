import Foundation
import Hummingbird
import ServiceRuntime

/// Request and response bodies of the tasks API (DESIGN §7).
struct CreateTaskRequest: Decodable {
    var name: String
    var description: String?
    var priority: WholeNumber
    var requiredSkills: [String]?
    var maxAttempts: WholeNumber?
    var dueAt: Date?
}

/// A validated creation, also what an idempotency key's body is compared by.
struct NewTask: Codable, Equatable {
    var name: String
    var description: String
    var priority: Int
    var requiredSkills: [String]
    var maxAttempts: Int
    var dueAt: Date?
}

struct MessageRequest: Decodable {
    var message: String
}

/// The optional body of decline and cancel.
struct ReasonRequest: Decodable {
    var reason: String?
}

struct ProgressRequest: Decodable {
    var progress: WholeNumber
    var note: String?
}

struct Comment: Codable, Sendable, ResponseEncodable {
    var id: UUID
    var taskId: UUID
    var authorId: UUID
    var message: String
    var createdAt: Date
}

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

/// A task and more fields beside its own, as one flat JSON object (its detail, a history entry).
struct TaskWith<Extra: Encodable & Sendable>: ResponseEncodable, Sendable {
    var task: TaskRecord
    var extra: Extra

    func encode(to encoder: any Encoder) throws {
        try task.encode(to: encoder)
        try extra.encode(to: encoder)
    }
}

/// What a task's detail adds: its comments and audit trail.
struct Discussion: Encodable, Sendable {
    var comments: [Comment]
    var audit: [AuditEntry]
}

/// How one of an employee's attempts ended (a failure that was retried shows FAILED though the
/// task has moved on).
struct AttemptOutcome: Encodable, Sendable {
    var outcome: String
    var finishedAt: Date

    static func outcome(of action: String) -> String {
        switch action {
        case "complete": TaskStatus.completed.rawValue
        case "fail": TaskStatus.failed.rawValue
        default: TaskStatus.cancelled.rawValue
        }
    }
}

typealias TaskDetail = TaskWith<Discussion>
typealias HistoryEntry = TaskWith<AttemptOutcome>

/// One page of a list, with where it stands in the whole.
struct Page<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    var items: [Item]
    var page: Int
    var size: Int
    var total: Int
}

typealias TaskPage = Page<TaskRecord>
typealias HistoryPage = Page<HistoryEntry>

struct CommentList: ResponseEncodable {
    var items: [Comment]
}

struct TaskItems: ResponseEncodable {
    var items: [TaskRecord]
}

struct Dashboard: ResponseEncodable {
    var current: [TaskRecord]
    var counts: [String: Int]
    var recent: [HistoryEntry]
}

struct Accepted: ResponseEncodable {
    var status = "accepted"
    var message: String
}

extension TaskRecord: ResponseEncodable {}
