import Foundation
import Testing

@testable import SchedulerService

/// The set-based handler folds a run of task events in memory; it must leave every view, and
/// every employee's last offer, as the events handled one at a time would.
@Suite struct TaskViewFoldTests {
    let task = UUID()
    let other = UUID()
    let alice = UUID()
    let bob = UUID()
    let start = Date(timeIntervalSince1970: 1_764_500_000)

    func event(_ change: TaskView.Change, version: Int, at seconds: Double, task: UUID? = nil) -> TaskViewFold.Event {
        TaskViewFold.Event(taskId: task ?? self.task, change: change, version: version, at: start.addingTimeInterval(seconds))
    }

    /// A lifecycle with a failed attempt that is retried and offered to someone else, and a
    /// second task offered to alice and cancelled.
    var events: [TaskViewFold.Event] {
        [
            event(.assigned(assignee: alice, reservation: UUID()), version: 2, at: 1),
            event(.accepted, version: 3, at: 2),
            event(.failed(willRetry: true), version: 4, at: 3),
            event(.requeued(avoid: alice, notBefore: start.addingTimeInterval(5)), version: 4, at: 3),
            event(.assigned(assignee: bob, reservation: UUID()), version: 5, at: 6),
            event(.assigned(assignee: alice, reservation: UUID()), version: 2, at: 4, task: other),
            event(.cancelled, version: 3, at: 8, task: other),
        ]
    }

    @Test func aRunIsReadOnceAndWrittenAsItsLastViews() throws {
        let stored = [task: TaskView.created(version: 1), other: TaskView.created(version: 1)]
        let fold = TaskViewFold(events, stored: stored)
        let first = try #require(fold.written[task])
        #expect(first.view.stage == .assigned && first.view.assigneeId == bob && first.view.version == 5)
        #expect(first.view.avoidEmployeeId == alice && first.reservedAt == start.addingTimeInterval(6))
        let second = try #require(fold.written[other])
        #expect(second.view.stage == .cancelled && second.reservedAt == nil)
        #expect(fold.offeredAt == [alice: start.addingTimeInterval(4), bob: start.addingTimeInterval(6)])
    }

    @Test func anEditMovesTheVersionAndCarriesItsDetailsThroughLaterEventsOfTheRun() throws {
        let run = [
            event(.edited(priority: 1, requiredSkills: ["billing"]), version: 2, at: 1),
            event(.assigned(assignee: alice, reservation: UUID()), version: 3, at: 2),
            // An older edit arriving late changes nothing.
            event(.edited(priority: 5, requiredSkills: []), version: 2, at: 3),
        ]
        let written = try #require(TaskViewFold(run, stored: [task: TaskView.created(version: 1)]).written[task])
        #expect(written.view.stage == .assigned && written.view.version == 3)
        #expect(written.edit == .init(priority: 1, requiredSkills: ["billing"], version: 2))
        // An edit alone: the stage stays, the version moves (a proposal must carry it).
        let alone = try #require(
            TaskViewFold([event(.edited(priority: 2, requiredSkills: []), version: 2, at: 1)], stored: [task: .created(version: 1)])
                .written[task])
        #expect(alone.view.stage == .pending && alone.view.version == 2 && alone.view.lastEvent == "task.edited")
    }

    @Test func staleEventsWriteNothing() {
        let stored = [task: TaskView(stage: .completed, version: 9, lastEvent: "task.completed")]
        let fold = TaskViewFold(
            [event(.accepted, version: 3, at: 2), event(.assigned(assignee: alice, reservation: UUID()), version: 2, at: 1)], stored: stored
        )
        #expect(fold.written.isEmpty && fold.offeredAt.isEmpty)
    }

    @Test func eventsBeforeTheCreationBuildOnAnUnknownTask() throws {
        let fold = TaskViewFold([event(.accepted, version: 3, at: 2)], stored: [:])
        #expect(try #require(fold.written[task]).view == TaskView.unknown.applying(.accepted, version: 3))
    }

    /// Every order of the events (the `seed`-th permutation) cut into runs at every boundary the
    /// seed's bits choose: the same views and offers as one event at a time.
    @Test(arguments: Array(stride(from: 0, to: 5040, by: 97))) func runsAgreeWithOneEventAtATime(seed: Int) {
        let shuffled = permutation(events, number: seed)
        let stored = [task: TaskView.created(version: 1), other: TaskView.created(version: 1)]
        var oneByOne = Rows(views: stored)
        for event in shuffled { oneByOne.write(TaskViewFold([event], stored: oneByOne.views)) }
        var inRuns = Rows(views: stored)
        var run: [TaskViewFold.Event] = []
        for (index, event) in shuffled.enumerated() {
            run.append(event)
            if index == shuffled.count - 1 || seed & (1 << index) != 0 {
                inRuns.write(TaskViewFold(run, stored: inRuns.views))
                run = []
            }
        }
        #expect(inRuns == oneByOne)
    }

    /// What the statements do with a fold: the written rows replace the stored ones; an
    /// employee's last offer only moves forward.
    struct Rows: Equatable {
        var views: [UUID: TaskView]
        var reservedAt: [UUID: Date?] = [:]
        var offeredAt: [UUID: Date] = [:]

        mutating func write(_ fold: TaskViewFold) {
            for (id, written) in fold.written { (views[id], reservedAt[id]) = (written.view, written.reservedAt) }
            for (id, at) in fold.offeredAt where offeredAt[id].map({ $0 < at }) ?? true { offeredAt[id] = at }
        }
    }

    /// The `number`-th permutation of `items` (its factorial-base digits pick each next item).
    func permutation<T>(_ items: [T], number: Int) -> [T] {
        var rest = items, result: [T] = [], number = number
        while !rest.isEmpty {
            result.append(rest.remove(at: number % rest.count))
            number /= rest.count + 1
        }
        return result
    }
}
