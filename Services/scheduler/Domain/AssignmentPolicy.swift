import Foundation

/// Who gets which task (docs/scheduling.md, "When it assigns"), as a pure function of the queue and the employees.
///
/// Order: the most urgent effective priority first (1 is most urgent; waiting improves it one
/// level per `agingStep`, so nothing starves), then the oldest. Eligible: an employee with free
/// capacity who holds every required skill; a retry's avoided employee only when nobody else is
/// eligible — and a declined task's never before its `avoidUntil`; nothing before its not-before time. Choice: the lowest load ratio (active ÷
/// capacity), then the longest idle since their last assignment.
struct AssignmentPolicy: Sendable {
    /// How long a task waits to gain one level of priority.
    var agingStep: Duration

    struct QueuedTask: Sendable, Equatable {
        var id: UUID
        var version: Int
        var priority: Int
        var requiredSkills: Set<String>
        var createdAt: Date
        var avoidEmployeeId: UUID?
        var notBefore: Date?
        /// Until then the avoided employee is not eligible at all (they declined the offer).
        var avoidUntil: Date? = nil
    }

    /// An employee who could take work now: active, online and AVAILABLE (the caller filters).
    struct Candidate: Sendable, Equatable {
        var id: UUID
        var skills: Set<String>
        var capacity: Int
        var load: Int
        /// When they were last given a task; nil for never (idle the longest).
        var lastAssignedAt: Date?

        var hasRoom: Bool { load < capacity }
        var loadRatio: Double { capacity > 0 ? Double(load) / Double(capacity) : 1 }
    }

    struct Proposal: Sendable, Equatable {
        var taskId: UUID
        var expectedVersion: Int
        var employeeId: UUID
    }

    /// The task's priority after waiting until `now`: one level better per `agingStep`, never
    /// better than 1.
    func effectivePriority(of task: QueuedTask, at now: Date) -> Int {
        let step = agingStep.seconds
        guard step > 0 else { return task.priority }
        let waited = max(0, now.timeIntervalSince(task.createdAt))
        let levels = Int(min(waited / step, Double(task.priority)))
        return max(1, task.priority - levels)
    }

    /// The queue in the order it is served.
    func order(_ tasks: [QueuedTask], at now: Date) -> [QueuedTask] {
        tasks
            .map { (task: $0, priority: effectivePriority(of: $0, at: now)) }
            .sorted { a, b in
                if a.priority != b.priority { return a.priority < b.priority }
                if a.task.createdAt != b.task.createdAt { return a.task.createdAt < b.task.createdAt }
                return a.task.id.uuidString < b.task.id.uuidString
            }
            .map(\.task)
    }

    /// One round: every task that someone can take now, in queue order, each to the best
    /// candidate — counting the round's own proposals against their capacity.
    func plan(queue: [QueuedTask], candidates: [Candidate], at now: Date) -> [Proposal] {
        var candidates = candidates.filter(\.hasRoom)
        var proposals: [Proposal] = []
        for task in order(queue, at: now) {
            guard !candidates.isEmpty else { break }
            if let notBefore = task.notBefore, notBefore > now { continue }
            guard let chosen = choose(for: task, among: candidates, at: now) else { continue }
            proposals.append(Proposal(taskId: task.id, expectedVersion: task.version, employeeId: candidates[chosen].id))
            candidates[chosen].load += 1
            candidates[chosen].lastAssignedAt = now
            if !candidates[chosen].hasRoom { candidates.remove(at: chosen) }
        }
        return proposals
    }

    /// The index of the best candidate for `task`, or nil when nobody can take it.
    func choose(for task: QueuedTask, among candidates: [Candidate], at now: Date) -> Int? {
        let able = candidates.indices.filter { candidates[$0].hasRoom && task.requiredSkills.isSubset(of: candidates[$0].skills) }
        var preferred = able.filter { candidates[$0].id != task.avoidEmployeeId }
        if preferred.isEmpty, task.avoidUntil.map({ $0 <= now }) ?? true { preferred = able }
        return preferred.min { a, b in Self.isBetter(candidates[a], than: candidates[b]) }
    }

    /// Lower load ratio first, then idle the longest (never assigned counts as longest).
    static func isBetter(_ a: Candidate, than b: Candidate) -> Bool {
        if a.loadRatio != b.loadRatio { return a.loadRatio < b.loadRatio }
        switch (a.lastAssignedAt, b.lastAssignedAt) {
        case (nil, nil): return a.id.uuidString < b.id.uuidString
        case (nil, _): return true
        case (_, nil): return false
        case (let x?, let y?): return x != y ? x < y : a.id.uuidString < b.id.uuidString
        }
    }

    /// Why an admin's manual assignment cannot be made, or nil when it can. It may override the
    /// queue order and the required skills, never capacity or an inactive account.
    static func refusal(employee: ManualTarget?) -> String? {
        guard let employee else { return "unknown employee" }
        guard employee.isEmployee else { return "not an employee account" }
        guard employee.active else { return "the account is deactivated" }
        guard employee.load < employee.capacity else { return "the employee is at capacity (\(employee.load)/\(employee.capacity))" }
        return nil
    }

    struct ManualTarget: Sendable {
        var isEmployee: Bool
        var active: Bool
        var capacity: Int
        var load: Int
    }
}
