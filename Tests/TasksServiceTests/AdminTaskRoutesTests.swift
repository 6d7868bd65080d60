import EventContracts
import Foundation
import HTTPTypes
import RouteTesting
import TasksAPI
import Testing

@testable import TasksService

/// `/api/admin/tasks…` over the in-memory store: every route's answer and every refusal a
/// client can cause.
@Suite struct AdminTaskRoutesTests {
    typealias Task = Components.Schemas.Task

    @Test func everyRouteWantsAValidToken() async throws {
        let harness = try TasksRouteHarness()
        let operations = try RouteTesting.operations(of: TasksService.descriptor)
        #expect(operations.count == 21)
        try await harness.run { client in
            for (method, uri) in operations {
                for caller in [RouteTesting.anonymous, RouteTesting.expired(.admin), RouteTesting.forged(.admin)] {
                    let reply = try await client.send(method, uri, as: caller, json: "{}")
                    #expect(reply.status == .unauthorized, "\(method) \(uri)")
                    #expect(reply.code == "unauthenticated")
                }
            }
        }
    }

    @Test func anEmployeeMayNotUseTheAdminRoutes() async throws {
        let harness = try TasksRouteHarness()
        let task = harness.task(.failed)
        try await harness.run { client in
            for (method, uri) in [
                (.post, "/api/admin/tasks"), (.get, "/api/admin/tasks"), (.get, "/api/admin/tasks/\(task.id)"),
                (.get, "/api/admin/tasks/workload"),
                (.post, "/api/admin/tasks/\(task.id)/assign/\(harness.employee.id)"), (.post, "/api/admin/tasks/\(task.id)/retry"),
                (.post, "/api/admin/tasks/\(task.id)/cancel"), (.post, "/api/admin/tasks/bulk"),
                (.patch, "/api/admin/tasks/\(task.id)"), (.post, "/api/admin/tasks/\(task.id)/unassign"),
            ] as [(HTTPRequest.Method, String)] {
                let reply = try await client.send(method, uri, as: harness.employee, json: #"{"name": "x", "priority": 1}"#)
                #expect(reply.status == .forbidden, "\(method) \(uri)")
            }
        }
        #expect(harness.store.published.isEmpty)
    }

    @Test func createStoresTheTaskAndAnnouncesIt() async throws {
        let harness = try TasksRouteHarness()
        try await harness.run { client in
            let reply = try await client.send(
                .post, "/api/admin/tasks", as: harness.admin,
                json: #"{"name": "  Check invoice 7  ", "priority": 2, "requiredSkills": ["billing"]}"#)
            #expect(reply.status == .created)
            let task = try reply.decode(Task.self)
            #expect(task.name == "Check invoice 7")
            #expect(task.status == .pending)
            #expect(task.maxAttempts == 3)
            #expect(task.version == 1)
            #expect(task.createdBy == harness.admin.id.uuidString)
            let id = try #require(UUID(uuidString: task.id))
            let stored = try #require(try await harness.store.find(id))
            #expect(stored.requiredSkills == ["billing"])
        }
        #expect(harness.published() == ["task.created"])
        #expect(try harness.last(TaskCreated.self)?.priority == 2)
    }

    @Test func anIdempotencyKeyMakesOneTaskPerBody() async throws {
        let harness = try TasksRouteHarness()
        try await harness.run { client in
            let body = #"{"name": "Once", "priority": 3}"#
            let first = try await client.send(.post, "/api/admin/tasks", as: harness.admin, json: body, headers: [.idempotencyKey: "k-1"])
            let again = try await client.send(.post, "/api/admin/tasks", as: harness.admin, json: body, headers: [.idempotencyKey: "k-1"])
            #expect(first.status == .created)
            #expect(again.status == .ok)
            #expect(try again.decode(Task.self).id == first.decode(Task.self).id)
            let other = try await client.send(
                .post, "/api/admin/tasks", as: harness.admin, json: #"{"name": "Other", "priority": 3}"#, headers: [.idempotencyKey: "k-1"])
            #expect(other.status == .unprocessableContent)
            #expect(other.code == "idempotency_key_reused")
            let tooLong = try await client.send(
                .post, "/api/admin/tasks", as: harness.admin, json: body, headers: [.idempotencyKey: String(repeating: "k", count: 201)])
            #expect(tooLong.status == .unprocessableContent)
            #expect(tooLong.error["field"] == "Idempotency-Key")
        }
        #expect(harness.published() == ["task.created"])
    }

    @Test(arguments: [
        (#"{"name": "", "priority": 1}"#, "name"), (#"{"name": "x", "priority": 0}"#, "priority"),
        (#"{"name": "x", "priority": 6}"#, "priority"), (#"{"name": "x", "priority": 1, "maxAttempts": 21}"#, "maxAttempts"),
        (#"{"name": "x", "priority": 1, "dueAt": "2020-01-01T00:00:00Z"}"#, "dueAt"),
        (#"{"name": "x", "priority": 1, "requiredSkills": [""]}"#, "requiredSkills"),
        (#"{"name": "x", "priority": 1.5}"#, "priority"),
    ])
    func createRefusesAnInvalidTask(body: String, field: String) async throws {
        let harness = try TasksRouteHarness()
        try await harness.run { client in
            let reply = try await client.send(.post, "/api/admin/tasks", as: harness.admin, json: body)
            #expect(reply.status == .unprocessableContent, "\(reply.text)")
            #expect(reply.error["field"] == field, "\(reply.text)")
        }
        #expect(harness.store.published.isEmpty)
    }

    @Test(arguments: ["{", #"{"priority": 1}"#, "[]", ""])
    func createRefusesABodyThatIsNotATask(body: String) async throws {
        let harness = try TasksRouteHarness()
        try await harness.run { client in
            let reply = try await client.send(.post, "/api/admin/tasks", as: harness.admin, json: body)
            #expect([.badRequest, .unprocessableContent].contains(reply.status), "\(reply.text)")
            #expect(reply.code != nil)
        }
        #expect(harness.store.published.isEmpty)
    }

    @Test func theListFiltersAndPages() async throws {
        let harness = try TasksRouteHarness()
        let start = Date.nowToTheMillisecond
        for minute in 0..<5 { harness.task(.pending, priority: 1, createdAt: start + Double(minute) * 60) }
        harness.task(.inProgress, assignee: harness.employee, priority: 2, createdAt: start + 600)
        try await harness.run { client in
            let pending = try await client.send(.get, "/api/admin/tasks?status=pending&size=2&page=1", as: harness.admin)
            #expect(pending.status == .ok)
            let page = try pending.decode(TaskPage.self)
            #expect(page.total == 5)
            #expect(page.items.count == 2)
            #expect(page.items.map(\.createdAt) == [start + 120, start + 60])
            let theirs = try await client.send(.get, "/api/admin/tasks?assignee=\(harness.employee.id)", as: harness.admin)
            #expect(try theirs.decode(TaskPage.self).items.map(\.status) == [.inProgress])
            let urgent = try await client.send(.get, "/api/admin/tasks?priority=2", as: harness.admin)
            #expect(try urgent.decode(TaskPage.self).total == 1)
        }
    }

    @Test func searchFindsATaskByTheBeginningsOfWordsOfItsNameOrByItsId() async throws {
        let harness = try TasksRouteHarness()
        let invoice = harness.task(.pending)
        var renamed = invoice
        renamed.name = "Check INVOICE 50%_off"
        harness.store.put(renamed)
        var supplier = harness.task(.pending)
        supplier.name = "Call the supplier 5"
        harness.store.put(supplier)
        let other = supplier
        try await harness.run { client in
            let byName = try await client.send(.get, "/api/admin/tasks?q=%20invoice%2050%25_", as: harness.admin)
            #expect(byName.status == .ok)
            #expect(try byName.decode(TaskPage.self).items.map(\.id) == [invoice.id.uuidString])
            let byId = try await client.send(.get, "/api/admin/tasks?q=\(other.id.uuidString.lowercased())", as: harness.admin)
            #expect(try byId.decode(TaskPage.self).items.map(\.id) == [other.id.uuidString])
            let blank = try await client.send(.get, "/api/admin/tasks?q=%20%20", as: harness.admin)
            #expect(try blank.decode(TaskPage.self).total == 2)
            let beginnings = try await client.send(.get, "/api/admin/tasks?q=INVO%205", as: harness.admin)
            #expect(try beginnings.decode(TaskPage.self).items.map(\.id) == [invoice.id.uuidString])
            for nothing in ["nothing-like-it", "voice", "%25%25"] {
                let none = try await client.send(.get, "/api/admin/tasks?q=\(nothing)", as: harness.admin)
                #expect(try none.decode(TaskPage.self).total == 0, "q=\(nothing)")
            }
        }
    }

    @Test func theListFiltersBySkillAndSortsEitherWay() async throws {
        let harness = try TasksRouteHarness()
        let start = Date.nowToTheMillisecond
        for (offset, priority) in [3, 1, 5, 2].enumerated() {
            var task = harness.task(.pending, priority: priority, createdAt: start + Double(offset))
            task.requiredSkills = priority == 5 ? ["Legal"] : ["billing"]
            harness.store.put(task)
        }
        try await harness.run { client in
            let urgentFirst = try await client.send(.get, "/api/admin/tasks?sort=priority", as: harness.admin)
            #expect(try urgentFirst.decode(TaskPage.self).items.map(\.priority) == [1, 2, 3, 5])
            let reversed = try await client.send(.get, "/api/admin/tasks?sort=-priority", as: harness.admin)
            #expect(try reversed.decode(TaskPage.self).items.map(\.priority) == [5, 3, 2, 1])
            let oldestFirst = try await client.send(.get, "/api/admin/tasks?sort=created", as: harness.admin)
            #expect(try oldestFirst.decode(TaskPage.self).items.map(\.priority) == [3, 1, 5, 2])
            let legal = try await client.send(.get, "/api/admin/tasks?skill=legal", as: harness.admin)
            #expect(try legal.decode(TaskPage.self).items.map(\.priority) == [5])
        }
    }

    @Test(arguments: [
        ("sort=cost", "sort"), ("sort=--priority", "sort"), ("q=\(String(repeating: "x", count: 201))", "q"), ("q=a%00b", "q"),
        ("skill=\(String(repeating: "s", count: 65))", "skill"),
        ("status=LOST", "status"), ("priority=9", "priority"), ("assignee=me", "assignee"), ("overdue=maybe", "overdue"),
        ("createdFrom=yesterday", "createdFrom"), ("size=101", "size"), ("page=-1", "page"),
    ])
    func theListRefusesABadFilter(query: String, field: String) async throws {
        let harness = try TasksRouteHarness()
        try await harness.run { client in
            let reply = try await client.send(.get, "/api/admin/tasks?\(query)", as: harness.admin)
            #expect(reply.status == .unprocessableContent, "\(reply.text)")
            #expect(reply.error["field"] == field, "\(reply.text)")
        }
    }

    @Test func theDetailCarriesTheAuditTrailAndComments() async throws {
        let harness = try TasksRouteHarness()
        try await harness.run { client in
            let created = try await client.send(.post, "/api/admin/tasks", as: harness.admin, json: #"{"name": "Audit me", "priority": 4}"#)
            let id = try created.decode(Task.self).id
            _ = try await client.send(.post, "/api/tasks/\(id)/comments", as: harness.admin, json: #"{"message": "urgent after all"}"#)
            let detail = try await client.send(.get, "/api/admin/tasks/\(id)", as: harness.admin)
            #expect(detail.status == .ok)
            let body = try detail.decode(TaskDetail.self)
            #expect(body.value1.name == "Audit me")
            #expect(body.value2.audit.map(\.action) == ["create"])
            #expect(body.value2.comments.map(\.message) == ["urgent after all"])
            #expect(try await client.send(.get, "/api/admin/tasks/\(UUID())", as: harness.admin).status == .notFound)
            let malformed = try await client.send(.get, "/api/admin/tasks/not-a-uuid", as: harness.admin)
            #expect(malformed.status == .badRequest)
            #expect(malformed.code == "malformed_request")
        }
    }

    @Test func assigningByHandAsksTheSchedulerForAPendingTaskOnly() async throws {
        let harness = try TasksRouteHarness()
        let pending = harness.task(.pending)
        let held = harness.task(.inProgress, assignee: harness.colleague)
        try await harness.run { client in
            let asked = try await client.send(.post, "/api/admin/tasks/\(pending.id)/assign/\(harness.employee.id)", as: harness.admin)
            #expect(asked.status == .accepted)
            #expect(try asked.decode(Components.Schemas.Accepted.self).status == .accepted)
            let busy = try await client.send(.post, "/api/admin/tasks/\(held.id)/assign/\(harness.employee.id)", as: harness.admin)
            #expect(busy.status == .conflict)
            #expect(busy.error["status"] == "IN_PROGRESS")
            let missing = try await client.send(.post, "/api/admin/tasks/\(UUID())/assign/\(harness.employee.id)", as: harness.admin)
            #expect(missing.status == .notFound)
            let badEmployee = try await client.send(.post, "/api/admin/tasks/\(pending.id)/assign/nobody", as: harness.admin)
            #expect(badEmployee.status == .badRequest)
        }
        #expect(harness.published() == ["assignment.requested"])
        let request = try #require(try harness.last(AssignmentRequested.self))
        #expect(request.employeeId == harness.employee.id)
        #expect(request.version == pending.version)
        #expect(request.requestedBy == harness.admin.id)
    }

    @Test func retryGivesAFailedTaskAFreshStart() async throws {
        let harness = try TasksRouteHarness()
        let failed = harness.task(.failed, assignee: harness.employee, attempt: 3)
        let pending = harness.task(.pending)
        try await harness.run { client in
            let retried = try await client.send(.post, "/api/admin/tasks/\(failed.id)/retry", as: harness.admin)
            #expect(retried.status == .ok)
            let task = try retried.decode(Task.self)
            #expect(task.status == .pending)
            #expect(task.attempt == 1)
            #expect(task.assigneeId == nil)
            let refused = try await client.send(.post, "/api/admin/tasks/\(pending.id)/retry", as: harness.admin)
            #expect(refused.status == .conflict)
            #expect(refused.error["status"] == "PENDING")
            #expect(refused.error["version"] == "3")
            #expect(try await client.send(.post, "/api/admin/tasks/\(UUID())/retry", as: harness.admin).status == .notFound)
        }
        #expect(harness.published() == ["task.requeued"])
        #expect(try harness.last(TaskRequeued.self)?.reason == .adminRetry)
    }

    @Test func cancelEndsAnOpenTaskWithTheReasonItsAssigneeIsShown() async throws {
        let harness = try TasksRouteHarness()
        let held = harness.task(.inProgress, assignee: harness.employee)
        let done = harness.task(.completed, assignee: harness.employee)
        try await harness.run { client in
            let tooLong = try await client.send(
                .post, "/api/admin/tasks/\(held.id)/cancel", as: harness.admin,
                body: Components.Schemas.Reason(reason: String(repeating: "r", count: 1_001)))
            #expect(tooLong.status == .unprocessableContent)
            #expect(tooLong.error["field"] == "reason")
            let cancelled = try await client.send(
                .post, "/api/admin/tasks/\(held.id)/cancel", as: harness.admin, json: #"{"reason": " customer withdrew "}"#)
            #expect(cancelled.status == .ok)
            #expect(try cancelled.decode(Task.self).status == .cancelled)
            let again = try await client.send(.post, "/api/admin/tasks/\(done.id)/cancel", as: harness.admin)
            #expect(again.status == .conflict)
            #expect(again.error["status"] == "COMPLETED")
        }
        #expect(harness.published() == ["task.cancelled"])
        let event = try #require(try harness.last(TaskCancelled.self))
        #expect(event.reason == "customer withdrew")
        #expect(event.assigneeId == harness.employee.id)
        #expect(try await harness.store.auditTrail(of: held.id).last?.reason == "customer withdrew")
    }

    @Test func unassignTakesHeldWorkBackAndTellsTheAssigneeWhy() async throws {
        let harness = try TasksRouteHarness()
        let held = harness.task(.inProgress, assignee: harness.employee)
        let waiting = harness.task(.pending)
        try await harness.run { client in
            let reply = try await client.send(
                .post, "/api/admin/tasks/\(held.id)/unassign", as: harness.admin, json: #"{"reason": " Needs a specialist "}"#)
            #expect(reply.status == .ok)
            let task = try reply.decode(Task.self)
            #expect(task.status == .pending && task.assigneeId == nil && task.progress == 0 && task.attempt == held.attempt)
            let nobody = try await client.send(.post, "/api/admin/tasks/\(waiting.id)/unassign", as: harness.admin)
            #expect(nobody.status == .conflict && nobody.error["status"] == "PENDING")
        }
        #expect(harness.published() == ["task.requeued"])
        let event = try #require(try harness.last(TaskRequeued.self))
        #expect(event.reason == .adminUnassign && event.avoidEmployeeId == harness.employee.id && event.message == "Needs a specialist")
        // Not straight back to them, even when nobody else can take it (as a decline).
        let hold = try #require(event.avoidUntil).timeIntervalSinceNow
        #expect(abs(hold - harness.settings.declineHold.seconds) < 60)
        let audit = try #require(try await harness.store.auditTrail(of: held.id).last)
        #expect((audit.action, audit.from, audit.reason) == ("requeue (admin_unassign)", "IN_PROGRESS", "Needs a specialist"))
    }
}
