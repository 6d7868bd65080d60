import Foundation

/// A run of task events applied in order, in memory, over the views they touch as stored —
/// what reading, `applying` and writing each event one at a time leaves — so a delivered batch
/// costs one locked read and one write instead of two statements per event.
struct TaskViewFold: Sendable, Equatable {
    /// One task event as the fold takes it (a creation is written on its own, before the fold).
    struct Event: Sendable, Equatable {
        let taskId: UUID
        let change: TaskView.Change
        let version: Int
        let at: Date
    }

    /// A view the run changed, and when it was offered (nil unless it is ASSIGNED now).
    struct Written: Sendable, Equatable {
        var view: TaskView
        var reservedAt: Date?
        /// The details the run's latest applied edit set, if it applied one.
        var edit: Edit? = nil
    }

    /// What an edit sets on a view, at the version it was made.
    struct Edit: Sendable, Equatable {
        var priority: Int
        var requiredSkills: [String]
        var version: Int
    }

    /// The views the run changed; tasks whose every event was stale are not here.
    private(set) var written: [UUID: Written] = [:]
    /// Each employee's latest offer among the run's applied `task.assigned` events — an offer
    /// made outside this scheduler, or answered late, still counts as an assignment.
    private(set) var offeredAt: [UUID: Date] = [:]

    /// `stored` holds the views as read (locked) before the run; a task not in it is `unknown`.
    init(_ events: [Event], stored: [UUID: TaskView]) {
        var views = stored
        for event in events {
            guard let next = (views[event.taskId] ?? .unknown).applying(event.change, version: event.version) else { continue }
            views[event.taskId] = next
            var edit = written[event.taskId]?.edit
            if case .edited(let priority, let skills) = event.change {
                edit = Edit(priority: priority, requiredSkills: skills, version: event.version)
            }
            written[event.taskId] = Written(view: next, reservedAt: next.stage == .assigned ? event.at : nil, edit: edit)
            if case .assigned(let assignee, _) = event.change {
                offeredAt[assignee] = max(offeredAt[assignee] ?? event.at, event.at)
            }
        }
    }
}
