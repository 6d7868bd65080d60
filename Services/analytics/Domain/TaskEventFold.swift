import Foundation

/// What one task event says, as analytics keeps it.
struct TaskEventFact: Sendable, Equatable {
    let eventId: UUID
    let type: String
    let taskId: UUID
    let version: Int
    let assigneeId: UUID?
    var willRetry = false
    var detail: String?
    let at: Date
    /// What only a creation or an edit says.
    var priority: Int?
    var dueAt: Date?
    var requiredSkills: [String]?
    var created = false
    var edited = false
    var overdue = false
}

/// A task's row as a run of its events leaves it: the status, by the pure `TaskStatusOrder`,
/// applied event by event over what was stored; each time the earliest or latest the events
/// carry (combined with the stored one in SQL); the priority, due time and required skills of the
/// newest creation or edit; overdue once flagged (a due time moved later does not undo a task's having been late).
struct TaskRowFold: Sendable, Equatable {
    struct Stored: Sendable, Equatable {
        var status: String
        var version: Int
        var lastEvent: String
        var assigneeId: UUID?
    }

    var state: Stored
    var createdAt: Date?
    var firstAssignedAt: Date?
    var assignedAt: Date?
    var acceptedAt: Date?
    var completedAt: Date?
    var failedAt: Date?
    var known = false
    var priority: Int?
    var dueAt: Date?
    var requiredSkills: [String] = []
    /// The version `priority`, `dueAt` and `requiredSkills` are of (a creation's or an edit's); 0 when none set them.
    var detailsVersion = 0
    var overdue = false

    /// `stored` is the row as read (locked) before the run; nil when there is none yet.
    init(stored: Stored?, first: TaskEventFact) {
        let status = TaskStatusOrder.status(after: first.type, willRetry: first.willRetry)
        state =
            stored
            ?? Stored(
                status: status ?? "PENDING", version: status == nil ? 0 : first.version,
                lastEvent: status == nil ? "none" : first.type, assigneeId: first.assigneeId
            )
        if stored == nil { stamp(first) } else { apply(first) }
    }

    mutating func apply(_ fact: TaskEventFact) {
        if let status = TaskStatusOrder.status(after: fact.type, willRetry: fact.willRetry),
            TaskStatusOrder.applies(fact.type, version: fact.version, over: state.version, storedEvent: state.lastEvent)
        {
            state = Stored(status: status, version: fact.version, lastEvent: fact.type, assigneeId: fact.assigneeId)
        }
        stamp(fact)
    }

    private mutating func stamp(_ fact: TaskEventFact) {
        func earliest(_ date: inout Date?) { date = min(date ?? fact.at, fact.at) }
        func latest(_ date: inout Date?) { date = max(date ?? fact.at, fact.at) }
        switch fact.type {
        case "task.created": earliest(&createdAt)
        case "task.assigned": earliest(&firstAssignedAt); latest(&assignedAt)
        case "task.accepted": latest(&acceptedAt)
        case "task.completed": latest(&completedAt)
        case "task.failed": latest(&failedAt)
        default: break
        }
        known = known || fact.created
        if fact.created || fact.edited, fact.version >= detailsVersion {
            (priority, dueAt, requiredSkills, detailsVersion) = (fact.priority, fact.dueAt, fact.requiredSkills ?? [], fact.version)
        }
        overdue = overdue || fact.overdue
    }

    /// Folds a run of events (any tasks, in delivery order) over the stored rows, by task.
    static func fold(_ facts: [TaskEventFact], stored: [UUID: Stored]) -> [UUID: TaskRowFold] {
        var rows: [UUID: TaskRowFold] = [:]
        for fact in facts {
            if rows[fact.taskId] != nil {
                rows[fact.taskId]!.apply(fact)
            } else {
                rows[fact.taskId] = TaskRowFold(stored: stored[fact.taskId], first: fact)
            }
        }
        return rows
    }
}
