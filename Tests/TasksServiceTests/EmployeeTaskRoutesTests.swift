import EventContracts
import Foundation
import HTTPTypes
import RouteTesting
import TasksAPI
import Testing

@testable import TasksService

/// `/api/employee/tasks…` and `/api/tasks/{id}/comments` over the in-memory store: an employee's
/// own work, someone else's task (403), a task that is not there (404), an action its state does
/// not allow (409 with that state), a body out of range (422).
@Suite struct EmployeeTaskRoutesTests {
    typealias Task = Components.Schemas.Task

    @Test func anAdminMayNotActAsAnEmployee() async throws {
        let harness = try TasksRouteHarness()
        let task = harness.task(.assigned, assignee: harness.admin)
        try await harness.run { client in
            for (method, uri) in [
                (.get, "/api/employee/tasks/current"), (.get, "/api/employee/tasks/dashboard"), (.get, "/api/employee/tasks/history"),
                (.post, "/api/employee/tasks/get-next"), (.post, "/api/employee/tasks/\(task.id)/accept"),
            ] as [(HTTPRequest.Method, String)] {
                let reply = try await client.send(method, uri, as: harness.admin)
                #expect(reply.status == .forbidden, "\(method) \(uri)")
            }
        }
        #expect(harness.store.published.isEmpty)
    }

    @Test func currentShowsOnlyTheCallersOffersAndWork() async throws {
        let harness = try TasksRouteHarness()
        let offered = harness.task(.assigned, assignee: harness.employee)
        let working = harness.task(.inProgress, assignee: harness.employee, createdAt: .nowToTheMillisecond + 1)
        harness.task(.inProgress, assignee: harness.colleague)
        harness.task(.completed, assignee: harness.employee)
        harness.task(.pending)
        try await harness.run { client in
            let reply = try await client.send(.get, "/api/employee/tasks/current", as: harness.employee)
            #expect(reply.status == .ok)
            #expect(Set(try reply.decode(TaskItems.self).items.map(\.id)) == [offered.id.uuidString, working.id.uuidString])
        }
    }

    @Test func theDashboardCountsTheCallersTasksByStatus() async throws {
        let harness = try TasksRouteHarness()
        harness.task(.inProgress, assignee: harness.employee)
        let finishing = harness.task(.inProgress, assignee: harness.employee)
        harness.task(.completed, assignee: harness.colleague)
        try await harness.run { client in
            _ = try await client.send(
                .post, "/api/employee/tasks/\(finishing.id)/complete", as: harness.employee, json: #"{"message": "done"}"#)
            let reply = try await client.send(.get, "/api/employee/tasks/dashboard", as: harness.employee)
            #expect(reply.status == .ok)
            let dashboard = try reply.decode(Dashboard.self)
            #expect(dashboard.counts?.additionalProperties["IN_PROGRESS"] == 1)
            #expect(dashboard.counts?.additionalProperties["COMPLETED"] == 1)
            #expect(dashboard.counts?.additionalProperties["PENDING"] == 0)
            #expect(dashboard.current?.count == 1)
            #expect(dashboard.recent?.map(\.value1.id) == [finishing.id.uuidString])
        }
    }

    @Test func historyListsEndedAttemptsNewestFirstInPages() async throws {
        let harness = try TasksRouteHarness()
        let first = harness.task(.inProgress, assignee: harness.employee, maxAttempts: 2)
        let second = harness.task(.inProgress, assignee: harness.employee)
        try await harness.run { client in
            _ = try await client.send(
                .post, "/api/employee/tasks/\(first.id)/fail", as: harness.employee, json: #"{"message": "no access"}"#)
            _ = try await client.send(.post, "/api/employee/tasks/\(second.id)/complete", as: harness.employee, json: #"{"message": "ok"}"#)
            let page = try await client.send(.get, "/api/employee/tasks/history?size=1", as: harness.employee).decode(HistoryPage.self)
            #expect(page.total == 2)
            #expect(page.items.map(\.value2.outcome) == [.completed])
            let next = try await client.send(.get, "/api/employee/tasks/history?size=1&page=1", as: harness.employee).decode(
                HistoryPage.self)
            // The failure was retried: the task is PENDING again, the attempt still reads FAILED.
            #expect(next.items.map(\.value2.outcome) == [.failed])
            #expect(next.items.map(\.value1.status) == [.pending])
            let theirs = try await client.send(.get, "/api/employee/tasks/history", as: harness.colleague).decode(HistoryPage.self)
            #expect(theirs.total == 0)
            let bad = try await client.send(.get, "/api/employee/tasks/history?size=0", as: harness.employee)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.error["field"] == "size")
        }
    }

    @Test func getNextAsksTheSchedulerForWork() async throws {
        let harness = try TasksRouteHarness()
        try await harness.run { client in
            let reply = try await client.send(.post, "/api/employee/tasks/get-next", as: harness.employee)
            #expect(reply.status == .accepted)
        }
        #expect(harness.published() == ["work.requested"])
        #expect(try harness.last(WorkRequested.self)?.employeeId == harness.employee.id)
    }

    @Test func acceptTakesOnlyTheCallersOwnOffer() async throws {
        let harness = try TasksRouteHarness()
        let offer = harness.task(.assigned, assignee: harness.employee)
        try await harness.run { client in
            let stolen = try await client.send(.post, "/api/employee/tasks/\(offer.id)/accept", as: harness.colleague)
            #expect(stolen.status == .forbidden)
            let accepted = try await client.send(.post, "/api/employee/tasks/\(offer.id)/accept", as: harness.employee)
            #expect(accepted.status == .ok)
            let task = try accepted.decode(Task.self)
            #expect(task.status == .inProgress)
            #expect(task.version == offer.version + 1)
            let twice = try await client.send(.post, "/api/employee/tasks/\(offer.id)/accept", as: harness.employee)
            #expect(twice.status == .conflict)
            #expect(twice.error["status"] == "IN_PROGRESS")
            #expect(try await client.send(.post, "/api/employee/tasks/\(UUID())/accept", as: harness.employee).status == .notFound)
            #expect(try await client.send(.post, "/api/employee/tasks/nope/accept", as: harness.employee).status == .badRequest)
        }
        #expect(harness.published() == ["task.accepted"])
    }

    @Test func declineRequeuesTheOfferAndKeepsItFromTheCaller() async throws {
        let harness = try TasksRouteHarness(environment: ["ORCH_TASKS_DECLINE_HOLD": "90s"])
        let offer = harness.task(.assigned, assignee: harness.employee)
        let working = harness.task(.inProgress, assignee: harness.employee)
        try await harness.run { client in
            let declined = try await client.send(
                .post, "/api/employee/tasks/\(offer.id)/decline", as: harness.employee, json: #"{"reason": "not my area"}"#)
            #expect(declined.status == .ok)
            #expect(try declined.decode(Task.self).status == .pending)
            let late = try await client.send(.post, "/api/employee/tasks/\(working.id)/decline", as: harness.employee)
            #expect(late.status == .conflict)
        }
        #expect(harness.published() == ["task.requeued"])
        let event = try #require(try harness.last(TaskRequeued.self))
        #expect(event.reason == .declined)
        #expect(event.avoidEmployeeId == harness.employee.id)
        let hold = try #require(event.avoidUntil).timeIntervalSinceNow
        #expect((80...91).contains(hold))
        #expect(try await harness.store.auditTrail(of: offer.id).last?.reason == "not my area")
    }

    @Test func progressIsAPercentageOfTheCallersWork() async throws {
        let harness = try TasksRouteHarness()
        let working = harness.task(.inProgress, assignee: harness.employee)
        let offer = harness.task(.assigned, assignee: harness.employee)
        try await harness.run { client in
            let reply = try await client.send(
                .post, "/api/employee/tasks/\(working.id)/progress", as: harness.employee, json: #"{"progress": 40, "note": " half "}"#)
            #expect(reply.status == .ok)
            #expect(try reply.decode(Task.self).progress == 40)
            for (body, field) in [(#"{"progress": 101}"#, "progress"), (#"{"progress": -1}"#, "progress")] {
                let refused = try await client.send(.post, "/api/employee/tasks/\(working.id)/progress", as: harness.employee, json: body)
                #expect(refused.status == .unprocessableContent)
                #expect(refused.error["field"] == field)
            }
            let noBody = try await client.send(.post, "/api/employee/tasks/\(working.id)/progress", as: harness.employee, json: "{}")
            #expect([.badRequest, .unprocessableContent].contains(noBody.status))
            let early = try await client.send(
                .post, "/api/employee/tasks/\(offer.id)/progress", as: harness.employee, json: #"{"progress": 5}"#)
            #expect(early.status == .conflict)
            #expect(early.error["status"] == "ASSIGNED")
        }
        #expect(harness.published() == ["task.progressed"])
        #expect(try harness.last(TaskProgressed.self)?.note == "half")
    }

    @Test func completeNeedsACommentAndKeepsIt() async throws {
        let harness = try TasksRouteHarness()
        let working = harness.task(.inProgress, assignee: harness.employee)
        try await harness.run { client in
            for body in [#"{"message": "   "}"#, #"{}"#] {
                let refused = try await client.send(.post, "/api/employee/tasks/\(working.id)/complete", as: harness.employee, json: body)
                #expect([.badRequest, .unprocessableContent].contains(refused.status))
            }
            let other = try await client.send(
                .post, "/api/employee/tasks/\(working.id)/complete", as: harness.colleague, json: #"{"message": "mine now"}"#)
            #expect(other.status == .forbidden)
            let done = try await client.send(
                .post, "/api/employee/tasks/\(working.id)/complete", as: harness.employee, json: #"{"message": "paid"}"#)
            #expect(done.status == .ok)
            let task = try done.decode(Task.self)
            #expect(task.status == .completed)
            #expect(task.progress == 100)
        }
        #expect(harness.published() == ["task.completed"])
        #expect(try await harness.store.comments(of: working.id).map(\.message) == ["paid"])
    }

    @Test func failRetriesWhileAttemptsAreLeftThenEnds() async throws {
        let harness = try TasksRouteHarness()
        let retried = harness.task(.inProgress, assignee: harness.employee, attempt: 1, maxAttempts: 2)
        let last = harness.task(.inProgress, assignee: harness.employee, attempt: 2, maxAttempts: 2)
        try await harness.run { client in
            let again = try await client.send(
                .post, "/api/employee/tasks/\(retried.id)/fail", as: harness.employee, json: #"{"message": "printer jam"}"#)
            #expect(again.status == .ok)
            let task = try again.decode(Task.self)
            #expect(task.status == .pending)
            #expect(task.attempt == 2)
            let ended = try await client.send(
                .post, "/api/employee/tasks/\(last.id)/fail", as: harness.employee, json: #"{"message": "still"}"#)
            #expect(try ended.decode(Task.self).status == .failed)
            let tooLong = try await client.send(
                .post, "/api/employee/tasks/\(last.id)/fail", as: harness.employee,
                body: Components.Schemas.Message(message: String(repeating: "m", count: 4_001)))
            #expect(tooLong.status == .unprocessableContent)
        }
        #expect(harness.published() == ["task.failed", "task.requeued", "task.failed"])
        // The retry is kept from the employee who failed it.
        let requeued = try #require(harness.store.published.first { $0.type == "task.requeued" })
        let event = try EventCoding.decode(TaskRequeued.self, from: Array(requeued.body.utf8)).data
        #expect(event.avoidEmployeeId == harness.employee.id)
    }

    @Test func commentsAreTheAssigneesAndAnyAdmins() async throws {
        let harness = try TasksRouteHarness()
        let task = harness.task(.inProgress, assignee: harness.employee)
        try await harness.run { client in
            let mine = try await client.send(.post, "/api/tasks/\(task.id)/comments", as: harness.employee, json: #"{"message": "on it"}"#)
            #expect(mine.status == .created)
            #expect(try mine.decode(Components.Schemas.Comment.self).authorId == harness.employee.id.uuidString)
            let admins = try await client.send(.post, "/api/tasks/\(task.id)/comments", as: harness.admin, json: #"{"message": "thanks"}"#)
            #expect(admins.status == .created)
            let stranger = try await client.send(
                .post, "/api/tasks/\(task.id)/comments", as: harness.colleague, json: #"{"message": "hi"}"#)
            #expect(stranger.status == .forbidden)
            let blank = try await client.send(.post, "/api/tasks/\(task.id)/comments", as: harness.employee, json: #"{"message": " "}"#)
            #expect(blank.status == .unprocessableContent)
            #expect(blank.error["field"] == "message")
            let missing = try await client.send(.post, "/api/tasks/\(UUID())/comments", as: harness.admin, json: #"{"message": "?"}"#)
            #expect(missing.status == .notFound)

            let list = try await client.send(.get, "/api/tasks/\(task.id)/comments", as: harness.employee)
            #expect(list.status == .ok)
            #expect(try list.decode(Components.Schemas.CommentList.self).items.map(\.message) == ["on it", "thanks"])
            #expect(try await client.send(.get, "/api/tasks/\(task.id)/comments", as: harness.colleague).status == .forbidden)
            #expect(try await client.send(.get, "/api/tasks/\(UUID())/comments", as: harness.admin).status == .notFound)
        }
        #expect(harness.published() == ["task.commented", "task.commented"])
    }
}
