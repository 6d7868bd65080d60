import Foundation
import Testing

@testable import AnalyticsService

/// The set-based handler folds a run of events in memory; it must leave each task's row as the
/// events handled one at a time would.
@Suite struct TaskRowFoldTests {
    let task = UUID()
    let employee = UUID()
    let start = Date(timeIntervalSince1970: 1_764_500_000)

    func event(_ type: String, version: Int, at seconds: Double, willRetry: Bool = false, task: UUID? = nil) -> TaskEventFact {
        var fact = TaskEventFact(
            eventId: UUID(), type: type, taskId: task ?? self.task, version: version,
            assigneeId: type == "task.created" || type == "task.requeued" ? nil : employee, at: start.addingTimeInterval(seconds)
        )
        fact.willRetry = willRetry
        if type == "task.created" { (fact.created, fact.priority, fact.requiredSkills) = (true, 3, ["billing"]) }
        if type == "task.overdue" { fact.overdue = true }
        if type == "task.edited" { (fact.edited, fact.priority, fact.requiredSkills) = (true, 1, ["billing", "german"]) }
        return fact
    }

    var lifecycle: [TaskEventFact] {
        [
            event("task.created", version: 1, at: 0), event("task.assigned", version: 2, at: 1),
            event("task.accepted", version: 3, at: 2), event("task.progressed", version: 4, at: 3),
            event("task.completed", version: 5, at: 4),
        ]
    }

    @Test func aWholeLifecycleInOneRun() throws {
        let row = try #require(TaskRowFold.fold(lifecycle, stored: [:])[task])
        #expect(row.state == .init(status: "COMPLETED", version: 5, lastEvent: "task.completed", assigneeId: employee))
        #expect(row.createdAt == start && row.firstAssignedAt == start.addingTimeInterval(1))
        #expect(row.acceptedAt == start.addingTimeInterval(2) && row.completedAt == start.addingTimeInterval(4))
        #expect(row.known && row.priority == 3 && row.requiredSkills == ["billing"] && !row.overdue)
    }

    @Test func anOlderEventDoesNotMoveTheStatusButKeepsItsTime() throws {
        let stored = TaskRowFold.Stored(status: "COMPLETED", version: 5, lastEvent: "task.completed", assigneeId: employee)
        let row = try #require(TaskRowFold.fold([event("task.accepted", version: 3, at: 2)], stored: [task: stored])[task])
        #expect(row.state == stored)
        #expect(row.acceptedAt == start.addingTimeInterval(2))
    }

    @Test func aRetriedFailThenItsRequeueAtTheSameVersion() throws {
        let run = [event("task.failed", version: 4, at: 5, willRetry: true), event("task.requeued", version: 4, at: 6)]
        let stored = TaskRowFold.Stored(status: "IN_PROGRESS", version: 3, lastEvent: "task.accepted", assigneeId: employee)
        let row = try #require(TaskRowFold.fold(run, stored: [task: stored])[task])
        #expect(row.state == .init(status: "PENDING", version: 4, lastEvent: "task.requeued", assigneeId: nil))
        #expect(row.failedAt == start.addingTimeInterval(5))
    }

    @Test func anOverdueNoticeBeforeTheCreationLeavesTheCreationInCharge() throws {
        let run = [event("task.overdue", version: 1, at: 9), event("task.created", version: 1, at: 0)]
        let row = try #require(TaskRowFold.fold(run, stored: [:])[task])
        #expect(row.state == .init(status: "PENDING", version: 1, lastEvent: "task.created", assigneeId: nil))
        #expect(row.overdue && row.known)
    }

    /// Any order, any way of cutting the events into runs — each run folded alone and merged
    /// with the stored row as the store's statement does — the same row as one at a time.
    @Test(arguments: 0..<50) func runsAgreeWithOneEventAtATime(seed: Int) throws {
        var generator = SeededGenerator(seed: UInt64(seed + 1))
        let other = UUID()
        // The other task fails once with a retry: its requeue shares the fail's version.
        var events =
            lifecycle + [
                event("task.created", version: 1, at: 0, task: other), event("task.edited", version: 2, at: 0.5, task: other),
                event("task.assigned", version: 3, at: 1, task: other),
                event("task.failed", version: 4, at: 2, willRetry: true, task: other),
                event("task.requeued", version: 4, at: 2, task: other),
                event("task.cancelled", version: 5, at: 7, task: other),
            ]
        events.shuffle(using: &generator)
        var oneByOne: [UUID: TaskRowFold] = [:]
        for fact in events { merge(TaskRowFold.fold([fact], stored: oneByOne.mapValues(\.state)), into: &oneByOne) }
        var inRuns: [UUID: TaskRowFold] = [:]
        var rest = events[...]
        while !rest.isEmpty {
            let length = Int.random(in: 1...rest.count, using: &generator)
            merge(TaskRowFold.fold(Array(rest.prefix(length)), stored: [:]), into: &inRuns)
            rest = rest.dropFirst(length)
        }
        #expect(inRuns == oneByOne)
        #expect(inRuns[task]?.state.status == "COMPLETED" && inRuns[other]?.state.status == "CANCELLED")
        // The edit's priority and skills, whether the creation came before it or after.
        #expect(inRuns[task]?.priority == 3 && inRuns[other]?.priority == 1)
        #expect(inRuns[task]?.requiredSkills == ["billing"] && inRuns[other]?.requiredSkills == ["billing", "german"])
    }

    /// What the upsert does with a folded row over the stored one: the state by rank, times by
    /// least/greatest, flags by OR, priority, due time and skills of the newest creation or edit.
    func merge(_ folded: [UUID: TaskRowFold], into rows: inout [UUID: TaskRowFold]) {
        for (id, new) in folded {
            guard var row = rows[id] else { rows[id] = new; continue }
            func least(_ a: Date?, _ b: Date?) -> Date? { [a, b].compactMap { $0 }.min() }
            func greatest(_ a: Date?, _ b: Date?) -> Date? { [a, b].compactMap { $0 }.max() }
            func rank(_ state: TaskRowFold.Stored) -> Int { TaskStatusOrder.rank(of: state.lastEvent, version: state.version) }
            if rank(new.state) > rank(row.state) { row.state = new.state }
            row.createdAt = least(row.createdAt, new.createdAt)
            row.firstAssignedAt = least(row.firstAssignedAt, new.firstAssignedAt)
            row.assignedAt = greatest(row.assignedAt, new.assignedAt)
            row.acceptedAt = greatest(row.acceptedAt, new.acceptedAt)
            row.completedAt = greatest(row.completedAt, new.completedAt)
            row.failedAt = greatest(row.failedAt, new.failedAt)
            if new.detailsVersion > row.detailsVersion {
                (row.priority, row.dueAt, row.requiredSkills) = (new.priority, new.dueAt, new.requiredSkills)
            }
            row.detailsVersion = max(row.detailsVersion, new.detailsVersion)
            row.known = row.known || new.known
            row.overdue = row.overdue || new.overdue
            rows[id] = row
        }
    }
}

/// A small deterministic generator (SplitMix64), so a failing seed can be rerun.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
