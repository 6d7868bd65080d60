import Foundation
import Logging
import RouteTesting
import ScratchDatabase
import TasksAPI
import Testing

@testable import TasksService

/// `GET /api/admin/tasks/workload`: who holds what and since when — grouped by holder, the longest
/// held first — from the pure grouping, through the route, to the query against PostgreSQL.
@Suite(.serialized) struct WorkloadTests {
    typealias Workload = Components.Schemas.Workload

    func held(_ employee: UUID, _ status: TaskStatus, since seconds: Double) -> HeldTask {
        let at = Date(timeIntervalSince1970: 1_800_000_000 + seconds)
        let task = TaskRecord(
            id: UUID(), name: "held \(seconds)", description: "", priority: 3, requiredSkills: [], status: status, assigneeId: employee,
            reservationId: nil, attempt: 1, maxAttempts: 3, progress: 0, flagged: false, dueAt: nil, offerExpiresAt: nil, version: 2,
            createdBy: UUID(), createdAt: at, updatedAt: at
        )
        return HeldTask(task: task, heldSince: at, acceptedAt: status == .inProgress ? at : nil)
    }

    @Test func theHolderOfTheOldestWorkComesFirstAndTheirTasksOldestFirst() {
        let (ann, bob) = (UUID(), UUID())
        let items = [held(ann, .inProgress, since: 30), held(bob, .assigned, since: 20), held(ann, .assigned, since: 10)]
        let grouped = HeldTask.byHolder(items)
        #expect(grouped.map(\.employee) == [ann, bob])
        #expect(grouped[0].tasks.map(\.task.name) == ["held 10.0", "held 30.0"])
        #expect(grouped[1].tasks.map(\.task.name) == ["held 20.0"])
        #expect(HeldTask.byHolder([]).isEmpty)
    }

    @Test func theRouteGroupsTheHeldWorkAndSaysWhenThereIsMore() async throws {
        let harness = try TasksRouteHarness()
        let offered = harness.task(.assigned, assignee: harness.employee, createdAt: Date.nowToTheMillisecond - 120)
        let working = harness.task(.inProgress, assignee: harness.colleague, createdAt: Date.nowToTheMillisecond - 60)
        harness.task(.pending)
        harness.task(.completed, assignee: harness.employee)
        try await harness.run { client in
            let reply = try await client.send(.get, "/api/admin/tasks/workload", as: harness.admin)
            #expect(reply.status == .ok)
            let workload = try reply.decode(Workload.self)
            #expect(workload.total == 2 && !workload.truncated)
            #expect(workload.holders.map(\.employeeId) == [harness.employee.id.uuidString, harness.colleague.id.uuidString])
            let (first, second) = (workload.holders[0].tasks[0], workload.holders[1].tasks[0])
            #expect(first.id == offered.id.uuidString && first.status == .assigned && first.acceptedAt == nil)
            #expect(second.id == working.id.uuidString && second.status == .inProgress && second.acceptedAt != nil)

            let one = try await client.send(.get, "/api/admin/tasks/workload?limit=1", as: harness.admin).decode(Workload.self)
            #expect(one.total == 2 && one.truncated && one.holders.flatMap(\.tasks).map(\.id) == [offered.id.uuidString])

            for limit in ["0", "5001", "many"] {
                let refused = try await client.send(.get, "/api/admin/tasks/workload?limit=\(limit)", as: harness.admin)
                #expect(refused.status == .unprocessableContent && refused.error["field"] == "limit", "limit=\(limit)")
            }
            let employee = try await client.send(.get, "/api/admin/tasks/workload", as: harness.employee)
            #expect(employee.status == .forbidden)
        }
    }

    @Test(.enabled(if: ScratchDatabase.isConfigured, "needs the test database"))
    func theQueryReadsWhenEachTaskWasOfferedAndAccepted() async throws {
        try await ScratchDatabase.with(schema: "tasks", migrations: TasksService.descriptor.migrations, prefix: "workload") { client in
            let repository = TaskRepository(client: client, logger: Logger(label: "workload-test"))
            let (ann, bob) = (UUID(), UUID())
            var ids: [String: UUID] = [:]
            for name in ["a", "b", "c", "waiting", "done"] {
                let now = Date.nowToTheMillisecond
                let task = TaskRecord(
                    id: UUID(), name: name, description: "", priority: 3, requiredSkills: [], status: .pending, assigneeId: nil,
                    reservationId: nil, attempt: 1, maxAttempts: 3, progress: 0, flagged: false, dueAt: nil, offerExpiresAt: nil,
                    version: 1, createdBy: UUID(), createdAt: now, updatedAt: now
                )
                _ = try await repository.create(task, idempotency: nil, correlationId: UUID())
                ids[name] = task.id
            }
            func move(_ name: String, _ action: TaskLifecycle.Action) async throws {
                try await Task.sleep(for: .milliseconds(5))
                _ = try await repository.transition(ids[name]!, action, actor: nil, events: { _ in [] })
            }
            try await move("b", .assign(employeeId: bob, reservationId: UUID()))
            try await move("a", .assign(employeeId: ann, reservationId: UUID()))
            try await move("c", .assign(employeeId: ann, reservationId: UUID()))
            try await move("done", .assign(employeeId: bob, reservationId: UUID()))
            try await move("a", .accept)
            try await move("done", .accept)
            try await move("done", .complete)

            let (items, total) = try await repository.held(limit: 10)
            #expect(total == 3 && items.map(\.task.name) == ["b", "a", "c"])
            let a = try #require(items.first { $0.task.name == "a" })
            #expect(a.task.status == .inProgress && a.acceptedAt != nil && a.acceptedAt! > a.heldSince)
            #expect(items.filter { $0.task.name != "a" }.allSatisfy { $0.acceptedAt == nil && $0.task.status == .assigned })
            #expect(HeldTask.byHolder(items).map(\.employee) == [bob, ann])

            let (first, all) = try await repository.held(limit: 2)
            #expect(all == 3 && first.map(\.task.name) == ["b", "a"])
        }
    }
}
