import Foundation
import Hummingbird
import TasksAPI

// The bodies of the tasks API are the types generated from Services/tasks/openapi.yaml
// (docs/api.md): requests are decoded into them, responses built from them, so a field renamed or
// retyped in the document fails to compile here instead of drifting from it.

typealias Documented = Components.Schemas

extension Documented.Task: ResponseEncodable {}
extension Documented.Comment: ResponseEncodable {}
extension Documented.CommentList: ResponseEncodable {}
extension Documented.Workload: ResponseEncodable {}

extension Documented.Accepted: ResponseEncodable {
    /// `202 Accepted`: what happens next, for the operations that only ask another service.
    init(_ message: String) { self.init(message: message, status: .accepted) }
}

typealias TaskPage = Operations.ListTasks.Output.Ok.Body.JsonPayload
extension TaskPage: ResponseEncodable {}
typealias TaskDetail = Operations.GetTask.Output.Ok.Body.JsonPayload
extension TaskDetail: ResponseEncodable {}
typealias TaskItems = Operations.CurrentTasks.Output.Ok.Body.JsonPayload
extension TaskItems: ResponseEncodable {}
typealias Dashboard = Operations.Dashboard.Output.Ok.Body.JsonPayload
extension Dashboard: ResponseEncodable {}
typealias HistoryPage = Operations.History.Output.Ok.Body.JsonPayload
extension HistoryPage: ResponseEncodable {}

extension TaskRecord {
    var body: Documented.Task {
        Documented.Task(
            assigneeId: assigneeId?.uuidString, attempt: attempt, createdAt: createdAt, createdBy: createdBy.uuidString,
            description: description, dueAt: dueAt, flagged: flagged, id: id.uuidString, maxAttempts: maxAttempts, name: name,
            offerExpiresAt: offerExpiresAt, priority: priority, progress: progress, requiredSkills: requiredSkills,
            reservationId: reservationId?.uuidString, status: status.body, updatedAt: updatedAt, version: version
        )
    }
}

extension TaskStatus {
    var body: Documented.Task.StatusPayload {
        switch self {
        case .pending: .pending
        case .assigned: .assigned
        case .inProgress: .inProgress
        case .completed: .completed
        case .failed: .failed
        case .cancelled: .cancelled
        }
    }
}

extension Comment {
    var body: Documented.Comment {
        Documented.Comment(
            authorId: authorId.uuidString, createdAt: createdAt, id: id.uuidString, message: message, taskId: taskId.uuidString)
    }
}

extension AuditEntry {
    var body: Documented.AuditEntry {
        Documented.AuditEntry(
            action: action, actorId: actorId?.uuidString, assigneeId: assigneeId?.uuidString, at: at, from: from, reason: reason, to: to
        )
    }
}

extension EndedAttempt {
    var body: Documented.HistoryEntry {
        let ended: Documented.HistoryEntry.Value2Payload.OutcomePayload =
            switch outcome {
            case .completed: .completed
            case .failed: .failed
            default: .cancelled
            }
        return Documented.HistoryEntry(value1: task.body, value2: .init(finishedAt: finishedAt, outcome: ended))
    }
}

extension HeldTask {
    var body: Documented.HeldTask {
        Documented.HeldTask(
            acceptedAt: acceptedAt, dueAt: task.dueAt, heldSince: heldSince, id: task.id.uuidString, name: task.name,
            priority: task.priority, progress: task.progress, status: task.status == .inProgress ? .inProgress : .assigned,
            version: task.version
        )
    }
}
