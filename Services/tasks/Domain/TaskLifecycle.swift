import EventContracts
import Foundation

/// The task state machine of docs/tasks.md ("Lifecycle"), without I/O: given a task's state and what happened, the
/// next state — or why that cannot happen now. Every accepted transition bumps the version; the
/// service stores the result with a conditional update on the old version, one audit row and
/// the events.
struct TaskLifecycle {
    struct State: Equatable, Sendable {
        var status: TaskStatus
        var assigneeId: UUID?
        var reservationId: UUID?
        /// 1 for the first attempt; a failure with attempts left starts the next one.
        var attempt: Int
        var maxAttempts: Int
        var progress: Int
        var flagged: Bool
        var version: Int
        /// While ASSIGNED: when the offer lapses (the scheduler's reservation window); nil otherwise.
        var offerExpiresAt: Date? = nil

        static func new(maxAttempts: Int) -> State {
            State(
                status: .pending, assigneeId: nil, reservationId: nil, attempt: 1, maxAttempts: maxAttempts,
                progress: 0, flagged: false, version: 1)
        }
    }

    enum Action: Equatable, Sendable {
        /// tasks accepted the scheduler's proposal: offered to the employee, until `expiresAt`.
        case assign(employeeId: UUID, reservationId: UUID, expiresAt: Date? = nil)
        /// The assignee took the offer.
        case accept
        case progress(Int)
        case complete
        case fail
        /// Back to the queue: the offer lapsed or was declined, the employee went away, or an admin took it back.
        case requeue(RequeueReason)
        /// An in-progress task whose employee went away: kept, but marked.
        case flag
        case cancel
        /// An admin gives a FAILED task a fresh budget of attempts.
        case retry
        /// An admin changes an open task's details (`TaskEdit`); its state stays as it is.
        case edit(TaskEdit)
    }

    struct NotAllowed: Error, Equatable {
        let action: String
        let status: TaskStatus
    }

    /// What the transition means beyond the new state, for the events it publishes.
    enum Outcome: Equatable, Sendable {
        case changed
        /// A failure with attempts left: the task is PENDING again for attempt `nextAttempt`.
        case failedWillRetry(nextAttempt: Int)
        /// A failure with no attempts left: FAILED.
        case failedFinally
    }

    static func apply(_ action: Action, to state: State) throws(NotAllowed) -> (State, Outcome) {
        var next = state
        next.offerExpiresAt = nil
        var outcome = Outcome.changed
        switch (action, state.status) {
        case (.assign(let employee, let reservation, let expiresAt), .pending):
            next.status = .assigned
            next.assigneeId = employee
            next.reservationId = reservation
            next.offerExpiresAt = expiresAt
        case (.accept, .assigned):
            next.status = .inProgress
            next.reservationId = nil
            next.progress = 0
        case (.progress(let value), .inProgress) where (0...100).contains(value):
            next.progress = value
            next.flagged = false
        case (.complete, .inProgress):
            next.status = .completed
            next.progress = 100
            next.flagged = false
        case (.fail, .inProgress):
            next.flagged = false
            if state.attempt < state.maxAttempts {
                next = requeued(next)
                next.attempt = state.attempt + 1
                outcome = .failedWillRetry(nextAttempt: next.attempt)
            } else {
                next.status = .failed
                outcome = .failedFinally
            }
        case (.requeue(let reason), .assigned) where reason != .retry && reason != .adminRetry:
            next = requeued(next)
        case (.requeue(.employeeGone), .inProgress), (.requeue(.adminUnassign), .inProgress):
            next = requeued(next)
        case (.flag, .inProgress) where !state.flagged:
            next.flagged = true
        case (.cancel, let status) where !status.isTerminal:
            next.status = .cancelled
            next.reservationId = nil
            next.flagged = false
        case (.retry, .failed):
            next = requeued(next)
            next.attempt = 1
        case (.edit, let status) where !status.isTerminal:
            // An offer keeps its clock.
            next.offerExpiresAt = state.offerExpiresAt
        default:
            throw NotAllowed(action: action.name, status: state.status)
        }
        next.version = state.version + 1
        return (next, outcome)
    }

    private static func requeued(_ state: State) -> State {
        var state = state
        state.status = .pending
        state.assigneeId = nil
        state.reservationId = nil
        state.progress = 0
        state.flagged = false
        return state
    }
}

extension TaskLifecycle.Action {
    /// The action's name as the audit trail and error messages spell it.
    var name: String {
        switch self {
        case .assign: "assign"
        case .accept: "accept"
        case .progress: "progress"
        case .complete: "complete"
        case .fail: "fail"
        case .requeue(let reason): "requeue (\(reason.rawValue))"
        case .flag: "flag"
        case .cancel: "cancel"
        case .retry: "retry"
        case .edit: "edit"
        }
    }
}
