import EventContracts
import Foundation
import RouteTesting
import ServiceRuntime
import TasksAPI
import Testing

@testable import TasksService

/// `POST /api/admin/tasks/bulk` over the in-memory store: each task changes on its own, the
/// answer says what happened to each, and a bad request changes nothing.
@Suite struct BulkTaskRoutesTests {
    typealias Result = Components.Schemas.BulkResult
    typealias Bulk = Components.Schemas.BulkAction

    @Test func retryRetriesExactlyTheFailedOnesAndSaysWhyTheOthersStayed() async throws {
        let harness = try TasksRouteHarness()
        let failed = [harness.task(.failed, assignee: harness.employee, attempt: 3), harness.task(.failed, attempt: 2)]
        let done = harness.task(.completed, assignee: harness.employee)
        let missing = UUID()
        try await harness.run { client in
            let ids = [failed[0].id, done.id, missing, failed[1].id].map(\.uuidString)
            let reply = try await client.send(.post, "/api/admin/tasks/bulk", as: harness.admin, body: Bulk(action: .retry, ids: ids))
            #expect(reply.status == .ok)
            let result = try reply.decode(Result.self)
            #expect(result.action == .retry)
            #expect((result.changed, result.refused) == (2, 2))
            // One result per id, in the order sent.
            #expect(result.results.map(\.id) == ids)
            #expect(result.results.map(\.outcome) == [.changed, .refused, .notFound, .changed])
            #expect(result.results[0].task?.status == .pending)
            #expect(result.results[0].task?.attempt == 1)
            #expect(result.results[1].status == "COMPLETED")
            #expect(result.results[1].version == done.version)
            #expect(result.results[1].message == "it is COMPLETED; only a FAILED task can be retried")
            #expect(result.results[2].message == "no such task")
        }
        #expect(harness.published() == ["task.requeued", "task.requeued"])
        #expect(try await harness.store.find(done.id)?.status == .completed)
        // Every event of one request shares its correlation id.
        let correlations = try harness.store.published.map {
            try EventCoding.decode(TaskRequeued.self, from: Array($0.body.utf8)).correlationId
        }
        #expect(Set(correlations).count == 1)
    }

    @Test func cancelEndsTheOpenOnesWithTheReasonEachAssigneeIsShown() async throws {
        let harness = try TasksRouteHarness()
        let held = harness.task(.inProgress, assignee: harness.employee)
        let pending = harness.task(.pending)
        let cancelled = harness.task(.cancelled)
        try await harness.run { client in
            let reply = try await client.send(
                .post, "/api/admin/tasks/bulk", as: harness.admin,
                body: Bulk(action: .cancel, ids: [held.id, pending.id, cancelled.id].map(\.uuidString), reason: " project dropped "))
            #expect(reply.status == .ok)
            let result = try reply.decode(Result.self)
            #expect(result.results.map(\.outcome) == [.changed, .changed, .refused])
            #expect(result.results[2].message == "it is CANCELLED already; only an open task can be cancelled")
        }
        #expect(harness.published() == ["task.cancelled", "task.cancelled"])
        #expect(try harness.last(TaskCancelled.self)?.reason == "project dropped")
        #expect(try await harness.store.auditTrail(of: held.id).last?.reason == "project dropped")
    }

    @Test func aBadRequestChangesNothing() async throws {
        let harness = try TasksRouteHarness()
        let failed = harness.task(.failed)
        let id = failed.id.uuidString
        try await harness.run { client in
            for (json, field) in [
                (#"{"action": "retry", "ids": []}"#, "ids"),
                (#"{"action": "retry", "ids": ["\#(id)", "not-a-uuid"]}"#, "ids"),
                (#"{"action": "retry", "ids": ["\#(id)", "\#(id.lowercased())"]}"#, "ids"),
                (#"{"action": "retry", "ids": ["\#(id)"], "reason": "why"}"#, "reason"),
                (#"{"action": "cancel", "ids": ["\#(id)"], "reason": "\#(String(repeating: "r", count: 1_001))"}"#, "reason"),
            ] {
                let reply = try await client.send(.post, "/api/admin/tasks/bulk", as: harness.admin, json: json)
                #expect(reply.status == .unprocessableContent, "\(json)")
                #expect(reply.error["field"] == field, "\(json)")
            }
            let tooMany = (0...AdminTasksController<InMemoryTaskStore>.bulkLimit).map { _ in UUID().uuidString }
            let reply = try await client.send(.post, "/api/admin/tasks/bulk", as: harness.admin, body: Bulk(action: .retry, ids: tooMany))
            #expect(reply.status == .unprocessableContent)
            #expect(reply.error["message"] == "ids must name 1–500 tasks (501 sent)")
            for json in [#"{"action": "delete", "ids": ["\#(id)"]}"#, #"{"ids": ["\#(id)"]}"#, #"{"action": "retry"}"#, "[1, 2"] {
                let refused = try await client.send(.post, "/api/admin/tasks/bulk", as: harness.admin, json: json)
                #expect([.badRequest, .unprocessableContent].contains(refused.status), "\(json)")
            }
        }
        #expect(harness.store.published.isEmpty)
        #expect(try await harness.store.find(failed.id)?.status == .failed)
    }

    @Test func theBulkPathIsNotATaskId() async throws {
        // `/api/admin/tasks/bulk` also matches `/api/admin/tasks/{id}`: the router sends its GET
        // nowhere (404), and the served document's catalogue, matching the concrete path first,
        // turns that into 405 with `Allow: POST`, not the union with `{id}`'s GET.
        let harness = try TasksRouteHarness()
        try await harness.run { client in
            let reply = try await client.send(.get, "/api/admin/tasks/bulk", as: harness.admin)
            #expect(reply.status == .notFound)
        }
        let document = try OpenAPIDocument.load(from: #require(TasksService.descriptor.resources))
        #expect(RouteCatalogue(openAPI: document.json).methods(for: "/api/admin/tasks/bulk") == ["POST"])
    }
}
