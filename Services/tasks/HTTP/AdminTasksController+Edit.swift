import EventContracts
import Foundation
import Hummingbird
import ServiceRuntime
import TasksAPI

/// `PATCH /api/admin/tasks/{id}` (docs/tasks.md, "Editing a task"): an open task's priority,
/// description, due time and required skills, changed by a versioned transition like any other —
/// one audit row, `task.edited` — that leaves its status as it is.
extension AdminTasksController {
    @Sendable func edit(request: Request, context: ServiceRequestContext) async throws -> Documented.Task {
        let admin = try context.requireIdentity()
        let id = try TaskRoutes.uuid(context, "id")
        let body = try await request.decodeJSON(as: EditTaskBody.self)
        let edit = try validate(body)
        return try await TaskRoutes.run {
            try await self.edit(id, edit, expectedVersion: body.version, by: admin.userId, events: TaskEvents(correlationId: UUID.random()))
        }.task.body
    }

    /// The edit as asked: at least one detail, each within what a creation allows.
    func validate(_ body: EditTaskBody) throws -> TaskEdit {
        guard body.priority != nil || body.description != nil || body.dueAt != nil || body.requiredSkills != nil else {
            throw APIError.invalid("body", "give at least one of priority, description, dueAt, requiredSkills")
        }
        if let priority = body.priority, !(1...5).contains(priority) {
            throw APIError.invalid("priority", "priority must be 1 (most urgent) to 5")
        }
        if let description = body.description, description.schemaLength > 10_000 {
            throw APIError.invalid("description", "description must be at most 10,000 characters")
        }
        if let due = body.dueAt ?? nil { try Self.validateDue(due) }
        if let version = body.version, version < 1 { throw APIError.invalid("version", "version must be at least 1") }
        return TaskEdit(
            priority: body.priority, description: body.description, dueAt: body.dueAt,
            requiredSkills: try body.requiredSkills.map { try SkillList.validated($0, field: "requiredSkills") }
        )
    }

    /// Applies `edit` to an open task (one task's route and a bulk reprioritise). A task the
    /// edit would not change is returned as it is, with no transition (`Unchanged`).
    func edit(
        _ id: UUID, _ edit: TaskEdit, expectedVersion: Int?, by admin: UUID, events: TaskEvents
    ) async throws -> (task: TaskRecord, changed: Bool) {
        do {
            let task = try await tasks.transition(
                id, .edit(edit), actor: admin, reason: edit.summary, expectedVersion: expectedVersion, comment: nil,
                authorize: { before in
                    if !before.status.isTerminal, edit.changes(to: before).isEmpty, expectedVersion ?? before.version == before.version {
                        throw Unchanged(task: before)
                    }
                }
            ) { change in
                try events.edited(change, edit, by: admin)
            }.after
            return (task, true)
        } catch let unchanged as Unchanged {
            return (unchanged.task, false)
        }
    }

    /// An edit that would change nothing: the task as it is.
    struct Unchanged: Error { let task: TaskRecord }
}

/// `EditTask` of the document, read so that a `dueAt` of null (remove the due time) differs from
/// one left out (keep it) — the generated type reads both as nil.
struct EditTaskBody: Decodable {
    var priority: Int?
    var description: String?
    var dueAt: Date??
    var requiredSkills: [String]?
    var version: Int?

    enum CodingKeys: String, CodingKey { case priority, description, dueAt, requiredSkills, version }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        priority = try container.decodeIfPresent(Int.self, forKey: .priority)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        dueAt = container.contains(.dueAt) ? .some(try container.decodeIfPresent(Date.self, forKey: .dueAt)) : nil
        requiredSkills = try container.decodeIfPresent([String].self, forKey: .requiredSkills)
        version = try container.decodeIfPresent(Int.self, forKey: .version)
    }
}
