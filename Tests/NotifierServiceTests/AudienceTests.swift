import Foundation
import Testing

@testable import NotifierService

@Suite struct AudienceTests {
    let alice = UUID()
    let bob = UUID()

    @Test func adminsSeeEveryFeedEvent() {
        for type in NotificationLog.feedTypes {
            #expect(Audience.of(type: type, data: [:]).contains(.admins), "\(type)")
        }
    }

    @Test func theAssigneeSeesEventsAboutTheirTask() {
        for type in ["task.assigned", "task.accepted", "task.progressed", "task.completed", "task.failed", "task.cancelled",
                     "task.overdue", "task.flagged", "task.commented"] {
            #expect(Audience.of(type: type, data: ["assigneeId": alice.uuidString]) == [.admins, .employee(alice)], "\(type)")
        }
    }

    @Test func aRequeuedTaskIsToldToWhoeverHadIt() {
        #expect(Audience.of(type: "task.requeued", data: ["assigneeId": NSNull(), "avoidEmployeeId": bob.uuidString])
            == [.admins, .employee(bob)])
        #expect(Audience.of(type: "task.requeued", data: ["reason": "admin_retry"]) == [.admins])
    }

    @Test func reservationsAndAvailabilityGoToThatEmployee() {
        #expect(Audience.of(type: "reservation.expired", data: ["employeeId": alice.uuidString]) == [.admins, .employee(alice)])
        #expect(Audience.of(type: "employee.availability_changed", data: ["employeeId": bob.uuidString]) == [.admins, .employee(bob)])
    }

    @Test func nothingPrivateLeaksToOthers() {
        #expect(Audience.of(type: "task.created", data: ["createdBy": alice.uuidString]) == [.admins])
        #expect(Audience.of(type: "task.assignment_rejected", data: ["employeeId": alice.uuidString]) == [.admins])
        #expect(Audience.of(type: "presence.online", data: ["employeeId": alice.uuidString]) == [.admins])
        #expect(Audience.of(type: "analytics.updated", data: ["x": 1]) == [.admins])
        #expect(Audience.of(type: "task.assigned", data: ["assigneeId": "not-a-uuid"]) == [.admins])
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
