import Foundation
import Testing

@testable import SchedulerService

@Suite struct TaskViewTests {
    let alice = UUID()
    let reservation = UUID()

    @Test func followsTheLifecycle() throws {
        var view = TaskView.created(version: 1)
        view = try #require(view.applying(.assigned(assignee: alice, reservation: reservation), version: 2))
        #expect(view.stage == .assigned && view.assigneeId == alice && view.reservationId == reservation)
        view = try #require(view.applying(.accepted, version: 3))
        #expect(view.stage == .inProgress && view.stage.holdsCapacity)
        view = try #require(view.applying(.completed, version: 5))
        #expect(view.stage == .completed && !view.stage.holdsCapacity && view.stage.isTerminal)
    }

    @Test func anEventForAVersionAlreadyPassedChangesNothing() throws {
        let view = try #require(TaskView.created(version: 1).applying(.cancelled, version: 3))
        #expect(view.applying(.assigned(assignee: alice, reservation: reservation), version: 2) == nil)
        #expect(view.applying(.accepted, version: 3) == nil)
    }

    @Test func aFailedRetryAndItsRequeueShareAVersionAndBothApply() throws {
        var view = TaskView(stage: .inProgress, version: 4, assigneeId: alice, reservationId: reservation, lastEvent: "task.accepted")
        view = try #require(view.applying(.failed(willRetry: true), version: 5))
        #expect(view.stage == .pending && view.assigneeId == nil && view.avoidEmployeeId == alice)
        // Until the requeue comes, the task is offered to nobody — not even to alice, free again
        // and the only one who could take it.
        let queued = AssignmentPolicy.QueuedTask(
            id: UUID(), version: 5, priority: 1, requiredSkills: [], createdAt: Date(), avoidEmployeeId: view.avoidEmployeeId,
            notBefore: view.notBefore
        )
        let onlyAlice = AssignmentPolicy.Candidate(id: alice, skills: [], capacity: 1, load: 0, lastAssignedAt: nil)
        #expect(AssignmentPolicy(agingStep: .seconds(60)).plan(queue: [queued], candidates: [onlyAlice], at: Date()).isEmpty)
        let later = Date(timeIntervalSince1970: 1_800_000_000)
        view = try #require(view.applying(.requeued(avoid: alice, notBefore: later), version: 5))
        #expect(view.stage == .pending && view.notBefore == later)
        // …but not twice, and not the other way round.
        #expect(view.applying(.requeued(avoid: alice, notBefore: later), version: 5) == nil)
        #expect(view.applying(.failed(willRetry: true), version: 5) == nil)
    }

    @Test func aDeclineKeepsTheTaskFromTheDeclinerUntilItsHoldAndNoLonger() throws {
        var view = TaskView(stage: .assigned, version: 3, assigneeId: alice, reservationId: reservation, lastEvent: "task.assigned")
        let hold = Date(timeIntervalSince1970: 1_800_000_300)
        view = try #require(view.applying(.requeued(avoid: alice, notBefore: nil, avoidUntil: hold), version: 4))
        #expect(view.stage == .pending && view.avoidEmployeeId == alice && view.avoidUntil == hold)
        view = try #require(view.applying(.assigned(assignee: UUID(), reservation: UUID()), version: 5))
        view = try #require(view.applying(.requeued(avoid: view.assigneeId, notBefore: nil), version: 6))
        #expect(view.avoidUntil == nil, "an expiry after the decline avoids someone else, and only softly")
    }

    @Test func aFinalFailureIsTerminalUntilAnAdminRetries() throws {
        var view = TaskView(stage: .inProgress, version: 4, assigneeId: alice, reservationId: reservation, lastEvent: "task.accepted")
        view = try #require(view.applying(.failed(willRetry: false), version: 5))
        #expect(view.stage == .failed && view.stage.isTerminal)
        view = try #require(view.applying(.requeued(avoid: nil, notBefore: nil), version: 6))
        #expect(view.stage == .pending)
    }

    @Test func eventsBeforeTheCreationStillBuildTheView() throws {
        let view = try #require(TaskView.unknown.applying(.assigned(assignee: alice, reservation: reservation), version: 2))
        #expect(view.stage == .assigned && view.version == 2)
    }
}
