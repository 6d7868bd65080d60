import Foundation
import HTTPTypes
import Resilience
import RouteTesting
import ServiceRuntime
import Synchronization
import Testing

@testable import NotifierService

/// `GET /api/notifications` (the long-poll fallback) over an in-memory log: where a client
/// without a cursor starts, who sees which entries, a poll that waits for the log to grow, one
/// that times out, and a bad cursor.
@Suite struct NotificationsRoutesTests {
    struct Page: Decodable {
        struct Item: Decodable {
            let cursor: Int64
            let type: String
        }
        let items: [Item]
        let nextCursor: Int64
    }

    /// Who the route marked online.
    final class Online: Sendable {
        let employees = Mutex<[UUID]>([])
    }

    struct Harness {
        let log = InMemoryNotificationLog()
        let online = Online()
        let admin = RouteTesting.caller(.admin)
        let employee = RouteTesting.caller(.employee)
        let longPoll: Duration

        init(longPoll: Duration = .seconds(10)) {
            self.longPoll = longPoll
        }

        func run(_ test: @escaping @Sendable (RouteClient) async throws -> Void) async throws {
            let router = ServiceLauncher.router(for: "notifier")
            NotifierService.addRoutes(to: router, log: log, growth: log, longPoll: longPoll, signer: RouteTesting.signer) {
                [online] id in online.employees.withLock { $0.append(id) }
            }
            try await RouteTesting.test(router, test)
        }
    }

    @Test func theRouteWantsAValidToken() async throws {
        let harness = Harness()
        let operations = try RouteTesting.operations(of: NotifierService.descriptor)
        #expect(operations.map(\.uri) == ["/api/notifications"])
        try await harness.run { client in
            for caller in [RouteTesting.anonymous, RouteTesting.expired(.employee), RouteTesting.forged(.admin)] {
                let reply = try await client.send(.get, "/api/notifications?after=0", as: caller)
                #expect(reply.status == .unauthorized)
            }
        }
        #expect(harness.online.employees.withLock { $0 }.isEmpty)
    }

    @Test func withoutACursorTheAnswerIsWhereTheLogEndsNow() async throws {
        let harness = Harness()
        harness.log.append("task.created", data: "{}", for: [.admins])
        let latest = harness.log.append("task.created", data: "{}", for: [.admins])
        try await harness.run { client in
            let reply = try await client.send(.get, "/api/notifications", as: harness.employee)
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType] == "application/json; charset=utf-8")
            let page = try reply.decode(Page.self)
            #expect(page.items.isEmpty)
            #expect(page.nextCursor == latest)
        }
        #expect(harness.online.employees.withLock { $0 } == [harness.employee.id])
    }

    @Test func eachCallerSeesTheirOwnEntriesAfterTheCursor() async throws {
        let harness = Harness()
        let other = RouteTesting.caller(.employee)
        harness.log.append("task.created", data: #"{"name":"a"}"#, for: [.admins])
        let offered = harness.log.append("task.assigned", data: "{}", for: [.admins, .employee(harness.employee.id)])
        harness.log.append("task.assigned", data: "{}", for: [.admins, .employee(other.id)])
        try await harness.run { client in
            let mine = try await client.send(.get, "/api/notifications?after=0", as: harness.employee).decode(Page.self)
            #expect(mine.items.map(\.cursor) == [offered])
            #expect(mine.nextCursor == offered)
            let admins = try await client.send(.get, "/api/notifications?after=1", as: harness.admin).decode(Page.self)
            #expect(admins.items.map(\.type) == ["task.assigned", "task.assigned"])
        }
        // An admin polling is not an employee coming online.
        #expect(harness.online.employees.withLock { $0 } == [harness.employee.id])
    }

    @Test func aPollWaitsForTheLogToGrow() async throws {
        let harness = Harness()
        let start = harness.log.append("task.created", data: "{}", for: [.admins])
        try await harness.run { client in
            async let answer = client.send(.get, "/api/notifications?after=\(start)", as: harness.admin)
            try await Task.sleep(for: .milliseconds(100))
            let next = harness.log.append("task.cancelled", data: "{}", for: [.admins])
            let page = try await answer.decode(Page.self)
            #expect(page.items.map(\.cursor) == [next])
        }
    }

    @Test func aPollWithNothingNewEndsAtItsTimeWithTheSameCursor() async throws {
        let harness = Harness(longPoll: .milliseconds(200))
        try await harness.run { client in
            let page = try await client.send(.get, "/api/notifications?after=7", as: harness.employee).decode(Page.self)
            #expect(page.items.isEmpty)
            #expect(page.nextCursor == 7)
        }
    }

    /// `Prefer: wait=0` (RFC 7240) answers at once, though the long poll would wait a minute.
    @Test func aClientThatPrefersNotToWaitIsAnsweredAtOnce() async throws {
        let harness = Harness(longPoll: .seconds(60))
        try await harness.run { client in
            let page = try await withDeadline(.seconds(10)) {
                try await client.send(.get, "/api/notifications?after=7", as: harness.employee, headers: [.prefer: "wait=0"])
                    .decode(Page.self)
            }
            #expect(page.items.isEmpty)
            #expect(page.nextCursor == 7)
        }
    }

    @Test(arguments: ["-1", "x", "1.5", ""])
    func aCursorMustBeAWholeNumber(after: String) async throws {
        let harness = Harness()
        try await harness.run { client in
            let reply = try await client.send(.get, "/api/notifications?after=\(after)", as: harness.employee)
            #expect(reply.status == .unprocessableContent)
            #expect(reply.error["field"] == "after")
        }
    }
}
