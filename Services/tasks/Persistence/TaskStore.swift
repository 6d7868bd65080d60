import EventBackbone
import Foundation

/// What the HTTP routes need of the tasks they keep: `TaskRepository` in PostgreSQL, and the
/// in-memory store the controller tests run against (docs/architecture.md, "Tests"). Every
/// method keeps the repository's guarantee: a change and the events it announces are stored
/// together or not at all.
protocol TaskStore: Sendable {
    /// Creates a task, its audit row and `task.created`; with an idempotency key, at most once.
    func create(_ task: TaskRecord, idempotency: (key: String, hash: String)?, correlationId: UUID) async throws -> TaskCreation
    func find(_ id: UUID) async throws -> TaskRecord?
    /// The tasks `filter` selects, in its order, one page of them, and how many it selects.
    func list(_ filter: TaskFilter, page: Int, size: Int) async throws -> (items: [TaskRecord], total: Int)
    /// Oldest first.
    func comments(of taskId: UUID) async throws -> [Comment]
    /// In the order the transitions happened.
    func auditTrail(of taskId: UUID) async throws -> [AuditEntry]
    /// Offers awaiting acceptance and tasks in progress, oldest first.
    func current(of employee: UUID) async throws -> [TaskRecord]
    /// Every task offered or in progress, held longest first: at most `limit` of them, and how many there are.
    func held(limit: Int) async throws -> (items: [HeldTask], total: Int)
    /// The employee's ended attempts, newest first.
    func history(of employee: UUID, page: Int, size: Int) async throws -> (items: [EndedAttempt], total: Int)
    /// How many of the employee's tasks are in each status (every status present).
    func counts(of employee: UUID) async throws -> [String: Int]
    /// Adds a comment and the events `make` returns for its task; false when there is no such
    /// task. `make` may throw to refuse, and then nothing is stored.
    func addComment(_ comment: Comment, events make: @Sendable (TaskRecord) throws -> [EncodedEvent]) async throws -> Bool
    /// Events that change no task (manual assignment requests, requests for work).
    func publish(_ events: [EncodedEvent]) async throws
    /// Applies `action`: `authorize` sees the task first (and throws to refuse), then the
    /// lifecycle decides, and the task, one audit row, the comment if any and `events` are
    /// stored — only if the task did not move meanwhile. Throws `TransitionFailure`.
    func transition(
        _ id: UUID, _ action: TaskLifecycle.Action, actor: UUID?, reason: String?, expectedVersion: Int?, comment: Comment?,
        authorize: @Sendable (TaskRecord) throws -> Void,
        events: @Sendable (TaskChange) throws -> [EncodedEvent]
    ) async throws -> TaskChange
}

/// A transition that happened: the task before and after, and what it meant.
struct TaskChange: Sendable {
    let before: TaskRecord
    let after: TaskRecord
    let outcome: TaskLifecycle.Outcome
}

enum TransitionFailure: Error, Equatable {
    case notFound
    /// The lifecycle does not allow the action now, or the task moved on meanwhile.
    case conflict(current: TaskStatus, version: Int)
    /// `expectedVersion` was given and the task is no longer at it (events from the past).
    case stale(current: TaskStatus, version: Int)
}

/// What a creation did.
enum TaskCreation {
    case created(TaskRecord)
    /// The same idempotency key and body as before: the task made then.
    case replayed(TaskRecord)
    /// The same idempotency key with a different body.
    case keyReused
}

/// Which tasks an admin's list shows, and in what order.
struct TaskFilter: Sendable {
    var status: TaskStatus?
    var priority: Int?
    var assignee: UUID?
    var createdFrom: Date?
    var createdTo: Date?
    /// Only open tasks past their due time.
    var overdue = false
    /// Tasks whose name contains this (ignoring case), or whose id it is.
    var search: String?
    /// Tasks that require this skill (ignoring case).
    var skill: String?
    var sort = TaskSort(key: .created, descending: true)

    /// Whether only a search narrows it (every other filter left out).
    var isOnlyASearch: Bool {
        search != nil && status == nil && priority == nil && assignee == nil && createdFrom == nil && createdTo == nil && !overdue
            && skill == nil
    }
}

/// The order of a list: by one column, ties broken newest first, then by id, so pages are stable.
struct TaskSort: Sendable, Equatable {
    enum Key: String, Sendable, CaseIterable {
        case created, updated, priority, due, status, name
    }

    var key: Key
    var descending: Bool

    /// `created`, `-priority`…: a key, descending when it starts with `-`; nil when it is none.
    init?(_ text: String) {
        let descending = text.hasPrefix("-")
        guard let key = Key(rawValue: String(descending ? text.dropFirst() : Substring(text))) else { return nil }
        self.init(key: key, descending: descending)
    }

    init(key: Key, descending: Bool) {
        self.key = key
        self.descending = descending
    }

    /// Every spelling the API accepts.
    static var spellings: [String] { Key.allCases.flatMap { [$0.rawValue, "-\($0.rawValue)"] } }
}
