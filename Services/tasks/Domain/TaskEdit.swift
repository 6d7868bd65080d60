import EventContracts
import Foundation

/// An admin's change to an open task's details (docs/tasks.md, "Editing a task"): each field nil
/// when it is left as it is. `dueAt` is doubly optional: nil leaves the due time, `.some(nil)`
/// removes it.
struct TaskEdit: Equatable, Sendable {
    var priority: Int?
    var description: String?
    var dueAt: Date??
    var requiredSkills: [String]?

    /// What the edit sets, for the audit trail: "priority 1; due time removed; skills billing".
    var summary: String {
        var parts: [String] = []
        if let priority { parts.append("priority \(priority)") }
        if description != nil { parts.append("description rewritten") }
        if let dueAt { parts.append(dueAt.map { "due \(EventCoding.timestamp($0))" } ?? "due time removed") }
        if let requiredSkills {
            parts.append(requiredSkills.isEmpty ? "no skills required" : "skills \(requiredSkills.joined(separator: ", "))")
        }
        return parts.joined(separator: "; ")
    }

    /// The names of the details (as the API spells them) that this edit would change on `task`,
    /// in a fixed order; empty when it would change nothing.
    func changes(to task: TaskRecord) -> [String] {
        var changed: [String] = []
        if let priority, priority != task.priority { changed.append("priority") }
        if let description, description != task.description { changed.append("description") }
        if let dueAt, dueAt != task.dueAt { changed.append("dueAt") }
        if let requiredSkills, requiredSkills != task.requiredSkills { changed.append("requiredSkills") }
        return changed
    }
}

extension TaskRecord {
    /// The task with the details an `.edit` sets; unchanged for any other action.
    func edited(by action: TaskLifecycle.Action) -> TaskRecord {
        guard case .edit(let edit) = action else { return self }
        var task = self
        if let priority = edit.priority { task.priority = priority }
        if let description = edit.description { task.description = description }
        if let dueAt = edit.dueAt { task.dueAt = dueAt }
        if let skills = edit.requiredSkills { task.requiredSkills = skills }
        return task
    }
}
