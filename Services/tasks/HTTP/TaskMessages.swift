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

/// One ended attempt in an employee's history: the task as it is now, and how their attempt
/// ended (a failure that was retried shows FAILED though the task has moved on).
struct HistoryEntry: Sendable, Encodable {
    var task: TaskRecord
    var outcome: String
    var finishedAt: Date

    static func outcome(of action: String) -> String {
        switch action {
        case "complete": TaskStatus.completed.rawValue
        case "fail": TaskStatus.failed.rawValue
        default: TaskStatus.cancelled.rawValue
        }
    }

    func encode(to encoder: any Encoder) throws {
        try task.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(finishedAt, forKey: .finishedAt)
    }

    enum Keys: String, CodingKey { case outcome, finishedAt }
}

struct HistoryPage: ResponseEncodable {
    var items: [HistoryEntry]
    var page: Int
    var size: Int
    var total: Int
}

struct TaskDetail: ResponseEncodable {
    var task: TaskRecord
    var comments: [Comment]
    var audit: [AuditEntry]

    func encode(to encoder: any Encoder) throws {
        try task.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(comments, forKey: .comments)
        try container.encode(audit, forKey: .audit)
    }

    enum Keys: String, CodingKey { case comments, audit }
}

struct TaskPage: ResponseEncodable {
    var items: [TaskRecord]
    var page: Int
    var size: Int
    var total: Int
}

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
