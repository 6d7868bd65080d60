import AnalyticsAPI
import EventContracts
import Foundation
import HTTPTypes
import RouteTesting
import ServiceRuntime
import Testing

@testable import AnalyticsService

/// `/api/analytics/…` over fixed figures: the window a route reads, the rates, the fairness
/// index, an employee's success rate and utilisation, the series by metric, and who may read what.
@Suite struct AnalyticsRoutesTests {
    struct Harness {
        let figures = FixedFigures()
        var retention: Duration = .seconds(86_400)
        let admin = RouteTesting.caller(.admin)
        let employee = RouteTesting.caller(.employee)

        func run(_ test: @escaping @Sendable (RouteClient) async throws -> Void) async throws {
            let router = ServiceLauncher.router(for: "analytics")
            AnalyticsService.addRoutes(to: router, figures: figures, retention: retention, signer: RouteTesting.signer)
            try await RouteTesting.test(router, test)
        }
    }

    @Test func everyRouteWantsAValidTokenAndAnAdminSaveOnesOwnFigures() async throws {
        let harness = Harness()
        let operations = try RouteTesting.operations(of: AnalyticsService.descriptor)
        #expect(operations.count == 4)
        try await harness.run { client in
            for (method, uri) in operations {
                for caller in [RouteTesting.anonymous, RouteTesting.expired(.admin), RouteTesting.forged(.admin)] {
                    let reply = try await client.send(method, uri, as: caller)
                    #expect(reply.status == .unauthorized, "\(method) \(uri)")
                }
                let asEmployee = try await client.send(method, uri, as: harness.employee)
                #expect(asEmployee.status == .forbidden, "\(method) \(uri)")
            }
        }
    }

    @Test func theOverviewTurnsCountsIntoRatesOverItsWindow() async throws {
        let harness = Harness()
        harness.figures.set { values in
            values.events = ["task.created": 30, "task.completed": 15, "task.failed": 1]
            values.sharesPerCapacity = [2, 2, 2, 2]
            values.byStatus = ["PENDING": 3, "COMPLETED": 15]
            values.openByPriority = ["1": 2, "4": 1]
            values.openBySkill = ["billing": 2, "german": 1]
            values.completedBySkill = ["billing": 9]
            values.durations[.wait] = DurationStats(count: 15, meanMs: 40, p50Ms: 35, p90Ms: 70, p99Ms: 90)
            values.retries = 1
            values.overdue = 2
            values.longestWaiting = Waiting(taskId: UUID(), priority: 1, createdAt: Date() - 90, waitingSeconds: 90)
        }
        try await harness.run { client in
            let reply = try await client.send(.get, "/api/analytics/overview?window=15m", as: harness.admin)
            #expect(reply.status == .ok)
            let overview = try reply.decode(Components.Schemas.Overview.self)
            #expect(overview.window == "15m")
            #expect(overview.perMinute.created == 2)
            #expect(overview.perMinute.completed == 1)
            #expect(overview.perMinute.failed == 0.07)
            #expect(overview.fairness.jainIndex == 1)
            #expect(overview.fairness.employees == 4)
            #expect(overview.tasksByStatus.additionalProperties["COMPLETED"] == 15)
            #expect(overview.openTasksByPriority.additionalProperties["1"] == 2)
            #expect(overview.openTasksBySkill.additionalProperties == ["billing": 2, "german": 1])
            #expect(overview.completedBySkill.additionalProperties == ["billing": 9])
            #expect(overview.waitTime.p90Ms == 70)
            #expect(overview.acceptanceTime.count == 0)
            #expect(overview.retries == 1)
            #expect(overview.overdueTasks == 2)
            #expect(overview.longestWaiting?.waitingSeconds == 90)
        }
        #expect(Set(harness.figures.windowsAsked) == [.seconds(900)])
    }

    @Test(arguments: ["0m", "30s", "2d", "soon", ""])
    func aWindowOutsideOneMinuteToTheRetentionIsRefused(window: String) async throws {
        let harness = Harness()
        try await harness.run { client in
            for path in ["overview", "employees", "timeseries?metric=created&"] {
                let separator = path.hasSuffix("&") ? "" : "?"
                let reply = try await client.send(.get, "/api/analytics/\(path)\(separator)window=\(window)", as: harness.admin)
                #expect(reply.status == .unprocessableContent, "\(path) window=\(window)")
                #expect(reply.error["field"] == "window")
            }
        }
        #expect(harness.figures.windowsAsked.isEmpty)
    }

    @Test func employeeFiguresForAdminsAndForTheEmployeeThemselves() async throws {
        let harness = Harness()
        let ada = harness.employee.id
        let bob = UUID()
        harness.figures.set { values in
            values.employees = [EmployeeRow(id: bob, username: "bob", capacity: 1), EmployeeRow(id: ada, username: "ada", capacity: 2)]
            values.eventsByEmployee[ada] = ["task.assigned": 5, "task.completed": 3, "task.failed": 1]
            values.busySeconds[ada] = 3_600
            values.busySeconds[bob] = 10_000
            values.load[ada] = 2
        }
        try await harness.run { client in
            let list = try await client.send(.get, "/api/analytics/employees", as: harness.admin)
            #expect(list.status == .ok)
            let items = try list.decode(Components.Schemas.EmployeeFiguresList.self).items
            #expect(items.map(\.username) == ["ada", "bob"])
            // An hour busy of a one-hour window at capacity 2 is half; more than the window is capped at 1.
            #expect(items.map(\.utilisation) == [0.5, 1])
            #expect(items[0].successRate == 0.75)
            #expect(items[1].successRate == nil)

            let own = try await client.send(.get, "/api/analytics/employees/\(ada)", as: harness.employee)
            #expect(own.status == .ok)
            let figures = try own.decode(Components.Schemas.EmployeeFigures.self)
            #expect(figures.assigned == 5)
            #expect(figures.currentLoad == 2)
            #expect(figures.window == "1h")
            let others = try await client.send(.get, "/api/analytics/employees/\(bob)", as: harness.employee)
            #expect(others.status == .forbidden)
            #expect(try await client.send(.get, "/api/analytics/employees/\(UUID())", as: harness.admin).status == .notFound)
            #expect(try await client.send(.get, "/api/analytics/employees/ada", as: harness.admin).status == .badRequest)
        }
    }

    @Test func aSeriesIsOfOneKnownMetric() async throws {
        let harness = Harness()
        let minute = Date(timeIntervalSince1970: 1_800_000_000)
        harness.figures.set { values in
            values.series["task.completed"] = [Bucket(minute: minute, count: 4)]
            values.series["wait"] = [Bucket(minute: minute, count: 2, meanMs: 30, p50Ms: 25, p90Ms: 40)]
        }
        try await harness.run { client in
            let throughput = try await client.send(.get, "/api/analytics/timeseries?metric=throughput&window=24h", as: harness.admin)
            #expect(throughput.status == .ok)
            let series = try throughput.decode(Components.Schemas.Series.self)
            #expect(series.metric == "throughput")
            #expect(series.window == "24h")
            #expect(series.buckets.map(\.count) == [4] && series.bucketSeconds == ._60)
            let wait = try await client.send(.get, "/api/analytics/timeseries?metric=wait", as: harness.admin)
            #expect(try wait.decode(Components.Schemas.Series.self).buckets.first?.p90Ms == 40)
            for query in ["", "?metric=speed"] {
                let bad = try await client.send(.get, "/api/analytics/timeseries\(query)", as: harness.admin)
                #expect(bad.status == .unprocessableContent)
                #expect(bad.error["field"] == "metric")
            }
        }
        #expect(Set(harness.figures.windowsAsked) == [.seconds(86_400), .seconds(3_600)])
    }

    @Test func aWindowMayEndInThePastWithinTheRetention() async throws {
        let harness = Harness()
        let end = Date(timeIntervalSinceNow: -7_200).addingTimeInterval(0.5).timeIntervalSince1970.rounded(.down)
        let to = EventCoding.timestamp(Date(timeIntervalSince1970: end))
        try await harness.run { client in
            for path in ["overview?", "employees?", "timeseries?metric=created&"] {
                let reply = try await client.send(.get, "/api/analytics/\(path)window=30m&to=\(to)", as: harness.admin)
                #expect(reply.status == .ok, "\(path)")
            }
            let refusals = [
                ("yesterday", "an RFC 3339 time"), (EventCoding.timestamp(Date(timeIntervalSinceNow: 3_600)), "in the future"),
                (EventCoding.timestamp(Date(timeIntervalSinceNow: -23 * 3_600)), "further back than the retention (1d)"),
            ]
            for (bad, said) in refusals {
                let reply = try await client.send(.get, "/api/analytics/overview?window=2h&to=\(bad)", as: harness.admin)
                #expect(reply.status == .unprocessableContent && reply.error["field"] == "to", "\(bad)")
                #expect(reply.error["message"]?.contains(said) == true, "\(reply.error)")
            }
        }
        let ends = harness.figures.values.withLock { $0.endsAsked }
        #expect(!ends.isEmpty && ends.allSatisfy { $0 == Date(timeIntervalSince1970: end) })
        #expect(Set(harness.figures.windowsAsked) == [.seconds(1_800)])
    }

    @Test func aWindowLongerThanADayIsSeriesOfHours() async throws {
        let harness = Harness(retention: .seconds(8 * 86_400))
        try await harness.run { client in
            for (window, seconds) in [("7d", 3_600), ("25h", 3_600), ("24h", 60), ("15m", 60)] {
                let reply = try await client.send(.get, "/api/analytics/timeseries?metric=created&window=\(window)", as: harness.admin)
                #expect(try reply.decode(Components.Schemas.Series.self).bucketSeconds.rawValue == seconds, "\(window)")
            }
            let tooLong = try await client.send(.get, "/api/analytics/overview?window=9d", as: harness.admin)
            #expect(tooLong.status == .unprocessableContent && tooLong.error["field"] == "window")
        }
        #expect(harness.figures.values.withLock { $0.widthsAsked } == [.hour, .hour, .minute, .minute])
    }
}
