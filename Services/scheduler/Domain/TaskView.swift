import Foundation

/// The scheduler's view of one task, following the `task.*` events, which are the authority
/// (docs/events.md, "Consuming: the inbox"): an event for a version the view has passed changes nothing.
struct TaskView: Sendable, Equatable {
    enum Stage: String, Sendable, CaseIterable {
        /// Waiting in the queue.
        case pending = "PENDING"
        /// Proposed to an employee; tasks has not answered yet.
        case proposed = "PROPOSED"
        /// Offered to the assignee (a reservation).
        case assigned = "ASSIGNED"
        case inProgress = "IN_PROGRESS"
        case completed = "COMPLETED"
        case failed = "FAILED"
        case cancelled = "CANCELLED"

        /// Whether a task in this stage takes up a place of its assignee's capacity.
        var holdsCapacity: Bool { self == .proposed || self == .assigned || self == .inProgress }
        var isTerminal: Bool { self == .completed || self == .failed || self == .cancelled }
    }

    var stage: Stage
    var version: Int
    var assigneeId: UUID?
    var reservationId: UUID?
    /// The event type that set `version`, to order the two events of one transition.
    var lastEvent: String
    var avoidEmployeeId: UUID?
    var notBefore: Date?
    /// Not to `avoidEmployeeId` at all before this time (a declined offer), even if nobody else can take it.
    var avoidUntil: Date? = nil

    /// What a task event says about the task.
    enum Change: Sendable, Equatable {
        case created
        case assigned(assignee: UUID, reservation: UUID)
        case accepted
        case progressed
        case completed
        case failed(willRetry: Bool)
        case requeued(avoid: UUID?, notBefore: Date?, avoidUntil: Date? = nil)
        case cancelled
        /// overdue or flagged: the version moves, the stage does not.
        case noted
        /// An admin changed the task's priority or skills (what the queue orders and matches by):
        /// the version moves, the stage does not.
        case edited(priority: Int, requiredSkills: [String])

        var eventType: String {
            switch self {
            case .created: "task.created"
            case .assigned: "task.assigned"
            case .accepted: "task.accepted"
            case .progressed: "task.progressed"
            case .completed: "task.completed"
            case .failed: "task.failed"
            case .requeued: "task.requeued"
            case .cancelled: "task.cancelled"
            case .noted: "task.noted"
            case .edited: "task.edited"
            }
        }
    }

    /// The not-before time of a retried task until its requeue says the real one.
    static let awaitingRequeue = Date.distantFuture

    /// Whether `notBefore` is that placeholder (as read back from the database).
    static func isAwaitingRequeue(_ notBefore: Date?) -> Bool {
        guard let notBefore else { return false }
        return notBefore > awaitingRequeue.addingTimeInterval(-86_400)
    }

    /// A task the scheduler has heard nothing of, not even its creation: what an event that
    /// arrives before the creation is applied to (the creation completes the row later).
    static let unknown = TaskView(stage: .pending, version: 0, lastEvent: "none")

    static func created(version: Int) -> TaskView {
        TaskView(stage: .pending, version: version, lastEvent: Change.created.eventType)
    }

    /// The view after the event, or nil when the event is older than what the view knows.
    /// A fail with a retry and its requeue share one version; the requeue is applied after it.
    func applying(_ change: Change, version eventVersion: Int) -> TaskView? {
        let sameTransition = eventVersion == version && lastEvent == "task.failed" && change.eventType == "task.requeued"
        guard eventVersion > version || sameTransition else { return nil }
        var next = self
        next.version = eventVersion
        next.lastEvent = change.eventType
        switch change {
        case .created:
            break
        case .assigned(let assignee, let reservation):
            next.stage = .assigned
            next.assigneeId = assignee
            next.reservationId = reservation
        case .accepted:
            next.stage = .inProgress
        case .progressed, .noted, .edited:
            break
        case .completed:
            next.stage = .completed
        case .failed(let willRetry):
            // A retried task is back in the queue with the requeue that comes with it — and not
            // before: the requeue says when it may be offered again, and a round that ran
            // between the two (they can arrive in separate deliveries) offered it at once,
            // often straight back to whoever had just failed it.
            next.stage = willRetry ? .pending : .failed
            if willRetry {
                next.avoidEmployeeId = assigneeId
                next.notBefore = Self.awaitingRequeue
                next.avoidUntil = nil
            }
            next.assigneeId = willRetry ? nil : assigneeId
            next.reservationId = nil
        case .requeued(let avoid, let notBefore, let avoidUntil):
            next.stage = .pending
            next.assigneeId = nil
            next.reservationId = nil
            next.avoidEmployeeId = avoid
            next.notBefore = notBefore
            next.avoidUntil = avoid == nil ? nil : avoidUntil
        case .cancelled:
            next.stage = .cancelled
            next.reservationId = nil
        }
        return next
    }
}
