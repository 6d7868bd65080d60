import EventContracts
import Foundation
import Testing

@testable import NotifierService

/// Who sees an event is what its EventContracts type says (`concernedEmployee`), never a string
/// switch on its type or a field read by name.
@Suite struct AudienceTests {
    let alice = UUID()
    let bob = UUID()
    let task = UUID()

    @Test func theAssigneeSeesEventsAboutTheirTask() {
        let events: [any EventPayload] = [
            TaskAssigned(taskId: task, version: 2, assigneeId: alice, reservationId: bob, attempt: 1),
            TaskAccepted(taskId: task, version: 3, assigneeId: alice),
            TaskProgressed(taskId: task, version: 4, assigneeId: alice, progress: 50),
            TaskCompleted(taskId: task, version: 5, assigneeId: alice, message: "done"),
            TaskFailed(taskId: task, version: 5, assigneeId: alice, message: "no", attempt: 1, willRetry: true),
            TaskCancelled(taskId: task, version: 5, assigneeId: alice, by: bob),
            TaskOverdue(taskId: task, version: 5, assigneeId: alice, dueAt: Date()),
            TaskFlagged(taskId: task, version: 5, assigneeId: alice, reason: "stuck"),
            TaskCommented(taskId: task, version: 5, assigneeId: alice, commentId: bob, authorId: bob, message: "hi"),
            TaskEdited(
                taskId: task, version: 5, assigneeId: alice, priority: 1, description: "", requiredSkills: [], changed: ["priority"],
                editedBy: bob),
        ]
        for event in events {
            #expect(Audience.of(event) == [.admins, .employee(alice)], "\(type(of: event).eventType)")
        }
    }

    @Test func aTaskWithoutAnAssigneeIsForAdminsOnly() {
        #expect(Audience.of(TaskCancelled(taskId: task, version: 2, by: bob)) == [.admins])
        #expect(Audience.of(TaskOverdue(taskId: task, version: 2, dueAt: Date())) == [.admins])
        #expect(
            Audience.of(
                TaskEdited(taskId: task, version: 2, priority: 1, description: "", requiredSkills: [], changed: ["priority"], editedBy: bob)
            )
                == [.admins])
    }

    @Test func aRequeuedTaskIsToldToWhoeverHadIt() {
        #expect(Audience.of(TaskRequeued(taskId: task, version: 3, reason: .declined, avoidEmployeeId: bob)) == [.admins, .employee(bob)])
        #expect(Audience.of(TaskRequeued(taskId: task, version: 3, assigneeId: alice, reason: .retry)) == [.admins])
    }

    @Test func reservationsAndAvailabilityGoToThatEmployee() {
        #expect(
            Audience.of(ReservationExpired(taskId: task, employeeId: alice, reservationId: bob, expectedVersion: 2)) == [
                .admins, .employee(alice),
            ])
        #expect(
            Audience.of(EmployeeAvailabilityChanged(employeeId: bob, availability: .away, reason: "employee")) == [.admins, .employee(bob)])
    }

    @Test func nothingPrivateLeaksToOthers() {
        let adminsOnly: [any EventPayload] = [
            TaskCreated(
                taskId: task, version: 1, assigneeId: alice, name: "n", priority: 3, requiredSkills: [], maxAttempts: 3, createdBy: bob),
            TaskAssignmentRejected(taskId: task, version: 2, assigneeId: alice, employeeId: alice, reservationId: bob, reason: "stale"),
            PresenceOnline(employeeId: alice, at: Date()),
            PresenceOffline(employeeId: alice, at: Date()),
            EmployeeGone(employeeId: alice, taskIds: [task], since: Date()),
            AssignmentRefused(taskId: task, employeeId: alice, requestedBy: bob, reason: "full"),
            AnalyticsUpdated(figures: [:]),
        ]
        for event in adminsOnly {
            #expect(Audience.of(event) == [.admins], "\(type(of: event).eventType)")
        }
    }

    @Test func theFeedCarriesTaskAvailabilityPresenceAndAnalyticsEvents() {
        #expect(
            Set(NotificationLog.feedTypes) == [
                "task.created", "task.assigned", "task.assignment_rejected", "task.accepted", "task.progressed", "task.completed",
                "task.failed", "task.requeued", "task.cancelled", "task.edited", "task.overdue", "task.flagged", "task.commented",
                "presence.online", "presence.offline", "employee.availability_changed", "employee.gone", "reservation.expired",
                "analytics.updated", "assignment.refused",
            ])
    }
}
