import EventContracts
import Foundation
import HTTPTypes
import RouteTesting
import SchedulerAPI
import ServiceRuntime
import Synchronization
import Testing

@testable import SchedulerService

/// `/api/scheduler/…` over in-memory views: the queue in assignment order with why each task
/// waits, the team, the caller's own line, and setting one's availability.
@Suite struct SchedulerRoutesTests {
    /// How often the routes started an assignment round.
    final class Wakes: Sendable {
        let count = Mutex(0)
    }

    struct Harness {
        let views = InMemorySchedulerViews()
        let admin = RouteTesting.caller(.admin)
        let employee = RouteTesting.caller(.employee)
        let wakes = Wakes()
        let settings: SchedulerSettings

        init() throws {
            settings = try SchedulerSettings(EnvironmentReader(["ORCH_SCHEDULER_AGING_STEP": "60s"]))
        }

        func run(_ test: @escaping @Sendable (RouteClient) async throws -> Void) async throws {
            let router = ServiceLauncher.router(for: "scheduler")
            SchedulerService.addRoutes(
                to: router, views: views, settings: settings, signer: RouteTesting.signer,
                wake: { [wakes] in wakes.count.withLock { $0 += 1 } })
            try await RouteTesting.test(router, test)
        }

        func employee(
            _ id: UUID, _ username: String, online: Bool = true, availability: Availability = .available, load: Int = 0,
            skills: [String] = []
        ) {
            views.add(
                EmployeeSummary(
                    id: id, username: username, fullName: username.capitalized, active: true, online: online, availability: availability,
                    availabilityReason: nil, load: load, capacity: 2, skills: skills))
        }

        func waiting(_ name: String, priority: Int, skills: Set<String> = [], age: TimeInterval) {
            views.add(
                WaitingTask(
                    task: .init(
                        id: UUID(), version: 1, priority: priority, requiredSkills: skills, createdAt: Date() - age, avoidEmployeeId: nil,
                        notBefore: nil),
                    name: name))
        }
    }

    @Test func everyRouteWantsAValidTokenOfTheRightRole() async throws {
        let harness = try Harness()
        let operations = try RouteTesting.operations(of: SchedulerService.descriptor)
        #expect(operations.count == 4)
        try await harness.run { client in
            for (method, uri) in operations {
                for caller in [RouteTesting.anonymous, RouteTesting.expired(.admin), RouteTesting.forged(.employee)] {
                    #expect(try await client.send(method, uri, as: caller, json: "{}").status == .unauthorized, "\(method) \(uri)")
                }
                let wrongRole = uri.contains("/me") ? harness.admin : harness.employee
                let refused = try await client.send(method, uri, as: wrongRole, json: #"{"availability": "AWAY"}"#)
                #expect(refused.status == .forbidden, "\(method) \(uri)")
            }
        }
        #expect(harness.views.events.isEmpty)
    }

    @Test func theQueueIsInAssignmentOrderWithWhyEachTaskWaits() async throws {
        let harness = try Harness()
        harness.employee(harness.employee.id, "ada", skills: ["billing"])
        harness.waiting("old and low", priority: 5, age: 3_600)
        harness.waiting("urgent", priority: 1, age: 10)
        harness.waiting("needs legal", priority: 3, skills: ["legal"], age: 20)
        try await harness.run { client in
            let reply = try await client.send(.get, "/api/scheduler/queue", as: harness.admin)
            #expect(reply.status == .ok)
            let queue = try reply.decode(Components.Schemas.Queue.self)
            #expect(queue.total == 3)
            // An hour of waiting at a 60 s aging step lifts priority 5 to the top.
            #expect(queue.items.map(\.name) == ["old and low", "urgent", "needs legal"])
            #expect(queue.items.map(\.waitingFor.code) == [.next, .next, .noSkill])
            #expect(queue.items[0].effectivePriority < 5)
            let short = try await client.send(.get, "/api/scheduler/queue?limit=1", as: harness.admin)
            #expect(try short.decode(Components.Schemas.Queue.self).items.count == 1)
            for limit in ["0", "1001", "many"] {
                let bad = try await client.send(.get, "/api/scheduler/queue?limit=\(limit)", as: harness.admin)
                #expect(bad.status == .unprocessableContent, "limit=\(limit)")
                #expect(bad.error["field"] == "limit")
            }
        }
    }

    @Test func theTeamAndTheCallersOwnLine() async throws {
        let harness = try Harness()
        harness.employee(harness.employee.id, "ada", availability: .away, load: 1, skills: ["billing"])
        harness.employee(UUID(), "bob", online: false)
        try await harness.run { client in
            let team = try await client.send(.get, "/api/scheduler/employees", as: harness.admin)
            #expect(team.status == .ok)
            let items = try team.decode(Components.Schemas.EmployeeList.self).items
            #expect(items.map(\.username) == ["ada", "bob"])
            #expect(items.map(\.availability) == [.away, .available])
            let me = try await client.send(.get, "/api/scheduler/me", as: harness.employee)
            #expect(me.status == .ok)
            let line = try me.decode(Components.Schemas.Employee.self)
            #expect(line.load == 1)
            #expect(line.skills == ["billing"])
            let stranger = try await client.send(.get, "/api/scheduler/me", as: RouteTesting.caller(.employee))
            #expect(stranger.status == .notFound)
        }
    }

    @Test func becomingAvailableStartsARoundOnceAndAnnouncesTheChange() async throws {
        let harness = try Harness()
        harness.employee(harness.employee.id, "ada", availability: .away)
        try await harness.run { client in
            let uri = "/api/scheduler/me/availability"
            let first = try await client.send(.put, uri, as: harness.employee, json: #"{"availability": "AVAILABLE"}"#)
            #expect(first.status == .ok)
            let change = try first.decode(Components.Schemas.AvailabilityChange.self)
            #expect(change.changed)
            #expect(change.availability == .available)
            #expect(change.employeeId == harness.employee.id.uuidString)
            let again = try await client.send(.put, uri, as: harness.employee, json: #"{"availability": "AVAILABLE"}"#)
            #expect(try again.decode(Components.Schemas.AvailabilityChange.self).changed == false)
            let away = try await client.send(.put, uri, as: harness.employee, json: #"{"availability": "AWAY"}"#)
            #expect(try away.decode(Components.Schemas.AvailabilityChange.self).changed)
            for body in [#"{"availability": "BUSY"}"#, "{}", "{", ""] {
                let bad = try await client.send(.put, uri, as: harness.employee, json: body)
                #expect([.badRequest, .unprocessableContent].contains(bad.status), "\(body)")
            }
        }
        #expect(harness.wakes.count.withLock { $0 } == 1)
        #expect(harness.views.events.map(\.availability) == [.available, .away])
    }
}
