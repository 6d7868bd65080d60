import Foundation
import Testing

@testable import NotifierService

@Suite struct AudienceTests {
    let alice = UUID()
    let bob = UUID()

    @Test func adminsSeeEveryFeedEvent() {
        for type in NotificationLog.feedTypes {
            #expect(Audience.of(type: type, fields: .init()).contains(.admins), "\(type)")
        }
    }

    @Test func theAssigneeSeesEventsAboutTheirTask() {
        for type in ["task.assigned", "task.accepted", "task.progressed", "task.completed", "task.failed", "task.cancelled",
                     "task.overdue", "task.flagged", "task.commented"] {
            #expect(Audience.of(type: type, fields: .init(assigneeId: alice)) == [.admins, .employee(alice)], "\(type)")
        }
    }

    @Test func aRequeuedTaskIsToldToWhoeverHadIt() {
        #expect(Audience.of(type: "task.requeued", fields: .init(avoidEmployeeId: bob))
            == [.admins, .employee(bob)])
        #expect(Audience.of(type: "task.requeued", fields: .init()) == [.admins])
    }

    @Test func reservationsAndAvailabilityGoToThatEmployee() {
        #expect(Audience.of(type: "reservation.expired", fields: .init(employeeId: alice)) == [.admins, .employee(alice)])
        #expect(Audience.of(type: "employee.availability_changed", fields: .init(employeeId: bob)) == [.admins, .employee(bob)])
    }

    @Test func nothingPrivateLeaksToOthers() {
        #expect(Audience.of(type: "task.created", fields: .init(assigneeId: alice)) == [.admins])
        #expect(Audience.of(type: "task.assignment_rejected", fields: .init(assigneeId: alice, employeeId: alice)) == [.admins])
        #expect(Audience.of(type: "presence.online", fields: .init(employeeId: alice)) == [.admins])
        #expect(Audience.of(type: "analytics.updated", fields: .init(assigneeId: alice, employeeId: bob)) == [.admins])
    }

    @Test func theFeedCarriesTaskAvailabilityPresenceAndAnalyticsEvents() {
        let types = Set(NotificationLog.feedTypes)
        #expect(types.contains("task.completed"))
        #expect(types.contains("employee.availability_changed"))
        #expect(types.contains("presence.offline"))
        #expect(types.contains("analytics.updated"))
        #expect(!types.contains("user.registered"))
        #expect(!types.contains("assignment.proposed"))
    }
}
