import EventContracts
import Foundation
import RouteTesting
import TasksAPI
import Testing

@testable import TasksService

/// `PATCH /api/admin/tasks/{id}` and the bulk reprioritise over the in-memory store: an open
/// task's details change by a versioned transition announced as `task.edited`; everything else
/// is refused with nothing written.
@Suite struct EditTaskRoutesTests {
    typealias Task = Components.Schemas.Task

    @Test func anEditChangesOnlyWhatItGivesAndTellsTheAssignee() async throws {
        let harness = try TasksRouteHarness()
        let due = Date.nowToTheMillisecond.addingTimeInterval(86_400)
        let held = harness.task(.inProgress, assignee: harness.employee, dueAt: due)
        try await harness.run { client in
            let reply = try await client.send(
                .patch, "/api/admin/tasks/\(held.id)", as: harness.admin,
                json: #"{"priority": 1, "requiredSkills": [" billing "], "version": 3}"#)
            #expect(reply.status == .ok)
            let task = try reply.decode(Task.self)
            #expect((task.priority, task.requiredSkills, task.version, task.status) == (1, ["billing"], 4, .inProgress))
            #expect(task.dueAt == due && task.description == held.description)
        }
        #expect(harness.published() == ["task.edited"])
        let event = try #require(try harness.last(TaskEdited.self))
        #expect((event.priority, event.requiredSkills, event.dueAt, event.version) == (1, ["billing"], due, 4))
        #expect(event.changed == ["priority", "requiredSkills"])
        #expect(event.assigneeId == harness.employee.id && event.editedBy == harness.admin.id)
        let audit = try #require(try await harness.store.auditTrail(of: held.id).last)
        #expect((audit.action, audit.from, audit.to, audit.reason) == ("edit", "IN_PROGRESS", "IN_PROGRESS", "priority 1; skills billing"))
    }

    @Test func aNullDueTimeRemovesItAndALeftOutOneKeepsIt() async throws {
        let harness = try TasksRouteHarness()
        let due = Date.nowToTheMillisecond.addingTimeInterval(86_400)
        let pending = harness.task(.pending, dueAt: due)
        try await harness.run { client in
            let kept = try await client.send(
                .patch, "/api/admin/tasks/\(pending.id)", as: harness.admin, json: #"{"description": "New words"}"#)
            #expect(try kept.decode(Task.self).dueAt == due)
            let removed = try await client.send(.patch, "/api/admin/tasks/\(pending.id)", as: harness.admin, json: #"{"dueAt": null}"#)
            #expect(try removed.decode(Task.self).dueAt == nil)
        }
        #expect(try harness.last(TaskEdited.self)?.changed == ["dueAt"])
    }

    @Test func anEditThatChangesNothingWritesNothing() async throws {
        let harness = try TasksRouteHarness()
        let pending = harness.task(.pending, priority: 2)
        try await harness.run { client in
            let reply = try await client.send(.patch, "/api/admin/tasks/\(pending.id)", as: harness.admin, json: #"{"priority": 2}"#)
            #expect(reply.status == .ok)
            #expect(try reply.decode(Task.self).version == pending.version)
        }
        #expect(harness.store.published.isEmpty)
    }

    @Test func anEditIsRefusedWhenTheTaskHasEndedOrMovedOnOrTheBodyIsWrong() async throws {
        let harness = try TasksRouteHarness()
        let done = harness.task(.completed, assignee: harness.employee)
        let pending = harness.task(.pending)
        try await harness.run { client in
            let ended = try await client.send(.patch, "/api/admin/tasks/\(done.id)", as: harness.admin, json: #"{"priority": 1}"#)
            #expect(ended.status == .conflict && ended.error["status"] == "COMPLETED")
            let stale = try await client.send(
                .patch, "/api/admin/tasks/\(pending.id)", as: harness.admin, json: #"{"priority": 1, "version": 2}"#)
            #expect(stale.status == .conflict && stale.error["version"] == "3")
            #expect(stale.error["message"] == "the task has moved on since the version given: it is PENDING at version 3 now")
            let missing = try await client.send(.patch, "/api/admin/tasks/\(UUID())", as: harness.admin, json: #"{"priority": 1}"#)
            #expect(missing.status == .notFound)
            let past = EventCoding.timestamp(Date().addingTimeInterval(-3_600))
            for (json, field) in [
                ("{}", "body"), (#"{"priority": 0}"#, "priority"), (#"{"priority": 6}"#, "priority"),
                (#"{"priority": "high"}"#, "priority"),
                (#"{"description": "\#(String(repeating: "d", count: 10_001))"}"#, "description"), (#"{"dueAt": "\#(past)"}"#, "dueAt"),
                (#"{"dueAt": "tomorrow"}"#, "dueAt"), (#"{"requiredSkills": [""]}"#, "requiredSkills"),
                (#"{"priority": 1, "version": 0}"#, "version"),
            ] {
                let reply = try await client.send(.patch, "/api/admin/tasks/\(pending.id)", as: harness.admin, json: json)
                #expect(reply.status == .unprocessableContent, "\(json)")
                #expect(reply.error["field"] == field, "\(json): \(reply.error)")
            }
        }
        #expect(harness.store.published.isEmpty)
        #expect(try await harness.store.find(pending.id)?.version == pending.version)
    }

    @Test func aBulkReprioritiseEditsEachOpenTask() async throws {
        let harness = try TasksRouteHarness()
        let pending = harness.task(.pending, priority: 4)
        let already = harness.task(.pending, priority: 1)
        let failed = harness.task(.failed)
        try await harness.run { client in
            let ids = [pending.id, already.id, failed.id].map(\.uuidString)
            let reply = try await client.send(
                .post, "/api/admin/tasks/bulk", as: harness.admin,
                body: Components.Schemas.BulkAction(action: .reprioritise, ids: ids, priority: 1))
            let result = try reply.decode(Components.Schemas.BulkResult.self)
            #expect(result.results.map(\.outcome) == [.changed, .unchanged, .refused])
            #expect((result.changed, result.refused) == (1, 1))
            #expect(result.results[2].message == "it is FAILED; only an open task can be reprioritised")
            for (json, message) in [
                (#"{"action": "reprioritise", "ids": ["\#(pending.id)"]}"#, "priority is required to reprioritise"),
                (#"{"action": "reprioritise", "ids": ["\#(pending.id)"], "priority": 9}"#, "priority must be 1 (most urgent) to 5"),
                (#"{"action": "retry", "ids": ["\#(pending.id)"], "priority": 1}"#, "priority is for reprioritise only"),
            ] {
                let refused = try await client.send(.post, "/api/admin/tasks/bulk", as: harness.admin, json: json)
                #expect(refused.status == .unprocessableContent && refused.error["message"] == message, "\(json)")
            }
        }
        #expect(harness.published() == ["task.edited"])
        #expect(try await harness.store.find(pending.id)?.priority == 1)
    }
}
