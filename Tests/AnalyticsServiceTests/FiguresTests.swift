import Foundation
import Testing

@testable import AnalyticsService

@Suite struct FairnessIndexTests {
    @Test func equalSharesAreFair() {
        #expect(FairnessIndex.jain([2, 2, 2, 2]) == 1)
        #expect(FairnessIndex.jain([]) == 1)
        #expect(FairnessIndex.jain([0, 0]) == 1)
    }

    @Test func oneTakingEverythingIsOneOverN() {
        #expect(abs(FairnessIndex.jain([12, 0, 0, 0]) - 0.25) < 1e-12)
    }

    @Test func aKnownMixedCase() {
        // (1+2+3)² / (3 · (1+4+9)) = 36 / 42
        #expect(abs(FairnessIndex.jain([1, 2, 3]) - 36.0 / 42.0) < 1e-12)
    }
}

@Suite struct TaskStatusOrderTests {
    @Test func eachEventLeavesItsStatus() {
        #expect(TaskStatusOrder.status(after: "task.created") == "PENDING")
        #expect(TaskStatusOrder.status(after: "task.assigned") == "ASSIGNED")
        #expect(TaskStatusOrder.status(after: "task.progressed") == "IN_PROGRESS")
        #expect(TaskStatusOrder.status(after: "task.failed", willRetry: true) == "PENDING")
        #expect(TaskStatusOrder.status(after: "task.failed") == "FAILED")
        #expect(TaskStatusOrder.status(after: "task.overdue") == nil)
    }

    @Test func onlyANewerVersionChangesTheStatusExceptARetrysRequeue() {
        #expect(TaskStatusOrder.applies("task.completed", version: 5, over: 4, storedEvent: "task.accepted"))
        #expect(!TaskStatusOrder.applies("task.accepted", version: 4, over: 5, storedEvent: "task.completed"))
        #expect(TaskStatusOrder.applies("task.requeued", version: 5, over: 5, storedEvent: "task.failed"))
        #expect(!TaskStatusOrder.applies("task.failed", version: 5, over: 5, storedEvent: "task.requeued"))
    }

    @Test func eventsKeepTheRightTimes() throws {
        let (task, start) = (UUID(), Date(timeIntervalSince1970: 1_764_500_000))
        func event(_ type: String, version: Int, at seconds: Double) -> TaskEventFact {
            TaskEventFact(
                eventId: UUID(), type: type, taskId: task, version: version, assigneeId: nil, at: start.addingTimeInterval(seconds))
        }
        // A second offer keeps the first's time as the first, its own as the latest.
        let run = [
            event("task.assigned", version: 2, at: 1), event("task.requeued", version: 3, at: 2), event("task.assigned", version: 4, at: 3),
        ]
        let row = try #require(TaskRowFold.fold(run, stored: [:])[task])
        #expect(row.firstAssignedAt == start.addingTimeInterval(1) && row.assignedAt == start.addingTimeInterval(3))
        #expect(row.createdAt == nil && row.acceptedAt == nil && row.completedAt == nil && row.failedAt == nil)
    }
}
