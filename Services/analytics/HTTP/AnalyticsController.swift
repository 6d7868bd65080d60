import AnalyticsAPI
import EventContracts
import Foundation
import Hummingbird
import ServiceRuntime

/// `/api/analytics/…`: the operational overview and time series (admins), and employee
/// performance (admins; an employee may read their own).
struct AnalyticsController<Figures: AnalyticsFigures>: Sendable {
    let store: Figures
    /// How far back the per-minute series go (and the longest window).
    let retention: Duration

    func addRoutes(to router: Router<ServiceRequestContext>, admins: BearerTokenMiddleware, anyone: BearerTokenMiddleware) {
        router.group("/api/analytics/overview").add(middleware: admins).get(use: overview)
        router.group("/api/analytics/timeseries").add(middleware: admins).get(use: timeseries)
        router.group("/api/analytics/employees").add(middleware: admins).get(use: employeeList)
        router.group("/api/analytics/employees").add(middleware: anyone).get(":id", use: employee)
    }

    /// `window` (`15m`, `1h`, `24h`, `7d`…): default one hour, at most the retention; ending now, or
    /// at `to` (RFC 3339: a custom range), which may not be in the future nor put the window's
    /// start further back than the retention keeps facts.
    func window(_ request: Request, default fallback: Duration = .seconds(3_600)) throws -> (Window, String) {
        let text = request.uri.queryParameters["window"].map(String.init)
        let length: Duration
        if let text {
            guard let parsed = EnvironmentReader.parseDuration(text), parsed >= .seconds(60), parsed <= retention else {
                throw APIError.invalid(
                    "window",
                    "window must be a duration from 1m to the retention (\(EnvironmentReader.durationText(retention))), such as 15m, 1h or 24h"
                )
            }
            length = parsed
        } else {
            length = fallback
        }
        guard let end = request.uri.queryParameters["to"].map(String.init) else { return (Window(length), text ?? "1h") }
        guard let to = EventCoding.date(fromTimestamp: end) ?? (try? Date(end, strategy: .iso8601)) else {
            throw APIError.invalid("to", "to must be an RFC 3339 time, such as 2026-12-01T09:00:00Z")
        }
        let now = Date()
        guard to <= now.addingTimeInterval(60) else {
            throw APIError.invalid("to", "to is in the future: the figures end now at the latest")
        }
        guard to.addingTimeInterval(-length.seconds) >= now.addingTimeInterval(-retention.seconds) else {
            throw APIError.invalid(
                "to",
                "the window reaches further back than the retention (\(EnvironmentReader.durationText(retention))) keeps: choose a later to or a shorter window"
            )
        }
        return (Window(length, end: min(to, now)), text ?? "1h")
    }

    @Sendable func overview(request: Request, context: ServiceRequestContext) async throws -> Documented.Overview {
        let (window, label) = try window(request)
        let counts = try await store.eventCounts(window: window, employee: nil)
        let minutes = window.seconds / 60
        func rate(_ type: String) -> Double { ((Double(counts[type] ?? 0) / minutes) * 100).rounded() / 100 }
        let shares = try await store.assignmentsPerCapacity(window: window)
        let byStatus = try await store.countsByStatus()
        let openByPriority = try await store.openByPriority()
        let openBySkill = try await store.openBySkill()
        let completedBySkill = try await store.completedBySkill(window: window)
        let waitTime = try await store.durations(.wait, window: window, assignee: nil)
        let acceptanceTime = try await store.durations(.acceptance, window: window, assignee: nil)
        let handlingTime = try await store.durations(.handling, window: window, assignee: nil)
        let longestWaiting = try await store.longestWaiting()
        let overdue = try await store.overdueOpen()
        let retries = try await store.retries(window: window)
        return Documented.Overview(
            acceptanceTime: acceptanceTime.body, completedBySkill: .init(additionalProperties: completedBySkill),
            fairness: Documented.Fairness(employees: shares.count, jainIndex: (FairnessIndex.jain(shares) * 10_000).rounded() / 10_000),
            generatedAt: Date(), handlingTime: handlingTime.body, longestWaiting: longestWaiting?.body,
            openTasksByPriority: .init(additionalProperties: openByPriority), openTasksBySkill: .init(additionalProperties: openBySkill),
            overdueTasks: overdue,
            perMinute: Documented.RatesPerMinute(
                completed: rate("task.completed"), created: rate("task.created"), failed: rate("task.failed")),
            retries: retries, tasksByStatus: .init(additionalProperties: byStatus), waitTime: waitTime.body, window: label
        )
    }

    func figures(of employee: EmployeeRow, window: Window, label: String) async throws -> Documented.EmployeeFigures {
        let counts = try await store.eventCounts(window: window, employee: employee.id)
        let completed = counts["task.completed"] ?? 0, failed = counts["task.failed"] ?? 0
        let busy = try await store.busySeconds(of: employee.id, window: window)
        let utilisation = busy / (window.seconds * Double(max(employee.capacity, 1)))
        let handlingTime = try await store.durations(.handling, window: window, assignee: employee.id)
        let load = try await store.currentLoad(of: employee.id)
        return Documented.EmployeeFigures(
            assigned: counts["task.assigned"] ?? 0, capacity: employee.capacity, completed: completed, currentLoad: load,
            employeeId: employee.id.uuidString, failed: failed, handlingTime: handlingTime.body,
            successRate: completed + failed > 0 ? (Double(completed) / Double(completed + failed) * 10_000).rounded() / 10_000 : nil,
            username: employee.username, utilisation: (min(utilisation, 1) * 10_000).rounded() / 10_000, window: label
        )
    }

    @Sendable func employeeList(request: Request, context: ServiceRequestContext) async throws -> Documented.EmployeeFiguresList {
        let (window, label) = try window(request)
        var items: [Documented.EmployeeFigures] = []
        for employee in try await store.employees(nil) { items.append(try await figures(of: employee, window: window, label: label)) }
        return Documented.EmployeeFiguresList(items: items)
    }

    @Sendable func employee(request: Request, context: ServiceRequestContext) async throws -> Documented.EmployeeFigures {
        let caller = try context.requireIdentity()
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else {
            throw APIError.malformed("id must be a UUID")
        }
        guard caller.isAdmin || caller.userId == id else {
            throw APIError(.forbidden, code: "forbidden", message: "an employee may read only their own figures")
        }
        let (window, label) = try window(request)
        guard let employee = try await store.employees(id).first else { throw APIError.notFound("employee") }
        return try await figures(of: employee, window: window, label: label)
    }

    static var metrics: [String] { ["throughput", "created", "failed", "wait", "handling"] }

    @Sendable func timeseries(request: Request, context: ServiceRequestContext) async throws -> Documented.Series {
        guard let metric = request.uri.queryParameters["metric"].map(String.init), Self.metrics.contains(metric) else {
            throw APIError.invalid("metric", "metric must be one of \(Self.metrics.joined(separator: ", "))")
        }
        let (window, label) = try window(request)
        let width = BucketWidth(window: window)
        let buckets: [Bucket] =
            switch metric {
            case "throughput": try await store.countSeries(of: "task.completed", window: window, width: width)
            case "created": try await store.countSeries(of: "task.created", window: window, width: width)
            case "failed": try await store.countSeries(of: "task.failed", window: window, width: width)
            case "wait": try await store.durationSeries(.wait, window: window, width: width)
            default: try await store.durationSeries(.handling, window: window, width: width)
            }
        return Documented.Series(buckets: buckets.map(\.body), bucketSeconds: width.body, metric: metric, window: label)
    }
}
