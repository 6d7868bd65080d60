import EventBackbone
import Foundation
import Synchronization

@testable import TasksService

/// The tasks a controller test works on, kept in memory: the same lifecycle decides as in
/// `TaskRepository`, under one lock, so a change and its events are stored together or not at
/// all. What the PostgreSQL statements guarantee beyond that (the conditional update against a
/// concurrent writer, the inbox claim) is tested against PostgreSQL in TransitionStatementTests.
final class InMemoryTaskStore: TaskStore {
    struct State {
        var tasks: [UUID: TaskRecord] = [:]
        var audit: [(taskId: UUID, entry: AuditEntry)] = []
        var comments: [Comment] = []
        var keys: [String: (hash: String, taskId: UUID)] = [:]
        /// Every event stored, in the order the outbox would publish them.
        var published: [EncodedEvent] = []
    }

    let state = Mutex(State())

    /// A task as a test needs it, written as is (no audit row, no event).
    func put(_ task: TaskRecord) {
        state.withLock { $0.tasks[task.id] = task }
    }

    var published: [EncodedEvent] { state.withLock { $0.published } }

    func create(_ task: TaskRecord, idempotency: (key: String, hash: String)?, correlationId: UUID) async throws -> TaskCreation {
        let created = try TaskEvents(correlationId: correlationId).created(task)
        return state.withLock { state in
            if let idempotency {
                let key = "\(task.createdBy) \(idempotency.key)"
                if let earlier = state.keys[key] {
                    return earlier.hash == idempotency.hash ? .replayed(state.tasks[earlier.taskId]!) : .keyReused
                }
                state.keys[key] = (idempotency.hash, task.id)
            }
            state.tasks[task.id] = task
            state.audit.append(
                (task.id, AuditEntry(actorId: task.createdBy, action: "create", to: task.status.rawValue, at: task.createdAt)))
            state.published.append(created)
            return .created(task)
        }
    }

    func find(_ id: UUID) async throws -> TaskRecord? {
        state.withLock { $0.tasks[id] }
    }

    func list(_ filter: TaskFilter, page: Int, size: Int) async throws -> (items: [TaskRecord], total: Int) {
        let now = Date()
        let matching = state.withLock { Array($0.tasks.values) }.filter { task in
            (filter.status.map { task.status == $0 } ?? true) && (filter.priority.map { task.priority == $0 } ?? true)
                && (filter.assignee.map { task.assigneeId == $0 } ?? true)
                && (filter.createdFrom.map { task.createdAt >= $0 } ?? true) && (filter.createdTo.map { task.createdAt < $0 } ?? true)
                && (!filter.overdue || (task.dueAt.map { $0 < now } ?? false) && !task.status.isTerminal)
                && (filter.search.map { UUID(uuidString: $0).map { $0 == task.id } ?? TaskSearch.matches(task.name, $0) } ?? true)
                && (filter.skill.map { skill in task.requiredSkills.contains { $0.lowercased() == skill.lowercased() } } ?? true)
        }.sorted { Self.precedes($0, $1, by: filter.sort) }
        return (Array(matching.dropFirst(page * size).prefix(size)), matching.count)
    }

    /// The repository's ORDER BY (`TaskRepository.order`): the column, then newest first, then id.
    static func precedes(_ a: TaskRecord, _ b: TaskRecord, by sort: TaskSort) -> Bool {
        func compared<T: Comparable>(_ x: T, _ y: T) -> Bool? { x == y ? nil : (sort.descending ? x > y : x < y) }
        let primary: Bool? =
            switch sort.key {
            case .created: compared(a.createdAt, b.createdAt)
            case .updated: compared(a.updatedAt, b.updatedAt)
            case .priority: compared(a.priority, b.priority)
            case .name: compared(a.name.lowercased(), b.name.lowercased())
            case .status:
                compared(TaskStatus.allCases.firstIndex(of: a.status)!, TaskStatus.allCases.firstIndex(of: b.status)!)
            case .due:
                switch (a.dueAt, b.dueAt) {
                case let (x?, y?): compared(x, y)
                case (nil, nil): nil
                case (_?, nil): true  // a due date that is not there comes last either way
                case (nil, _?): false
                }
            }
        if let primary { return primary }
        if a.createdAt != b.createdAt { return a.createdAt > b.createdAt }
        return a.id.uuidString < b.id.uuidString
    }

    func comments(of taskId: UUID) async throws -> [Comment] {
        state.withLock { $0.comments.filter { $0.taskId == taskId } }
    }

    func auditTrail(of taskId: UUID) async throws -> [AuditEntry] {
        state.withLock { $0.audit.filter { $0.taskId == taskId }.map(\.entry) }
    }

    func current(of employee: UUID) async throws -> [TaskRecord] {
        state.withLock { Array($0.tasks.values) }
            .filter { $0.assigneeId == employee && [.assigned, .inProgress].contains($0.status) }
            .sorted { ($0.updatedAt, $0.id.uuidString) < ($1.updatedAt, $1.id.uuidString) }
    }

    /// When the task was last offered and accepted, from its audit rows (a task `put` in place
    /// has none: its `updatedAt` then).
    func held(limit: Int) async throws -> (items: [HeldTask], total: Int) {
        let (tasks, audit) = state.withLock {
            ($0.tasks.values.filter { [.assigned, .inProgress].contains($0.status) && $0.assigneeId != nil }, $0.audit)
        }
        let held = tasks.map { task in
            let rows = audit.filter { $0.taskId == task.id }.map(\.entry)
            let offered = rows.last { $0.to == TaskStatus.assigned.rawValue }?.at ?? task.updatedAt
            let accepted = rows.last { $0.to == TaskStatus.inProgress.rawValue && $0.from == TaskStatus.assigned.rawValue }?.at
            return HeldTask(task: task, heldSince: offered, acceptedAt: task.status == .inProgress ? accepted ?? task.updatedAt : nil)
        }.sorted { ($0.heldSince, $0.task.id.uuidString) < ($1.heldSince, $1.task.id.uuidString) }
        return (Array(held.prefix(limit)), held.count)
    }

    func history(of employee: UUID, page: Int, size: Int) async throws -> (items: [EndedAttempt], total: Int) {
        let ended = state.withLock { state in
            state.audit.reversed().filter { $0.entry.assigneeId == employee && ["complete", "fail", "cancel"].contains($0.entry.action) }
                .map {
                    EndedAttempt(task: state.tasks[$0.taskId]!, outcome: EndedAttempt.outcome(of: $0.entry.action), finishedAt: $0.entry.at)
                }
        }
        return (Array(ended.dropFirst(page * size).prefix(size)), ended.count)
    }

    func counts(of employee: UUID) async throws -> [String: Int] {
        var counts = Dictionary(uniqueKeysWithValues: TaskStatus.allCases.map { ($0.rawValue, 0) })
        for task in state.withLock({ Array($0.tasks.values) }) where task.assigneeId == employee { counts[task.status.rawValue]! += 1 }
        return counts
    }

    func addComment(_ comment: Comment, events make: @Sendable (TaskRecord) throws -> [EncodedEvent]) async throws -> Bool {
        try state.withLock { state in
            guard let task = state.tasks[comment.taskId] else { return false }
            let events = try make(task)
            state.comments.append(comment)
            state.published += events
            return true
        }
    }

    func publish(_ events: [EncodedEvent]) async throws {
        state.withLock { $0.published += events }
    }

    func transition(
        _ id: UUID, _ action: TaskLifecycle.Action, actor: UUID?, reason: String?, expectedVersion: Int?, comment: Comment?,
        authorize: @Sendable (TaskRecord) throws -> Void,
        events: @Sendable (TaskChange) throws -> [EncodedEvent]
    ) async throws -> TaskChange {
        try state.withLock { state in
            guard let before = state.tasks[id] else { throw TransitionFailure.notFound }
            try authorize(before)
            if let expectedVersion, expectedVersion != before.version {
                throw TransitionFailure.stale(current: before.status, version: before.version)
            }
            guard let (next, outcome) = try? TaskLifecycle.apply(action, to: before.lifecycle) else {
                throw TransitionFailure.conflict(current: before.status, version: before.version)
            }
            let change = TaskChange(before: before, after: before.with(next, at: .nowToTheMillisecond).edited(by: action), outcome: outcome)
            let encoded = try events(change)
            state.tasks[id] = change.after
            state.audit.append(
                (
                    id,
                    AuditEntry(
                        actorId: actor, action: action.name, from: before.status.rawValue, to: next.status.rawValue, reason: reason,
                        at: change.after.updatedAt, assigneeId: change.after.assigneeId ?? before.assigneeId
                    )
                ))
            comment.map { state.comments.append($0) }
            state.published += encoded
            return change
        }
    }
}
