import Foundation
import Hummingbird
import ServiceRuntime

/// `/api/analytics/…`: the operational overview and time series (admins), and employee
/// performance (admins; an employee may read their own).
struct AnalyticsController: Sendable {
    let store: AnalyticsStore
    /// How far back the per-minute series go (and the longest window).
    let retention: Duration

    func addRoutes(to router: Router<ServiceRequestContext>, admins: BearerTokenMiddleware, anyone: BearerTokenMiddleware) {
        router.group("/api/analytics/overview").add(middleware: admins).get(use: overview)
        router.group("/api/analytics/timeseries").add(middleware: admins).get(use: timeseries)
        router.group("/api/analytics/employees").add(middleware: admins).get(use: employeeList)
        router.group("/api/analytics/employees").add(middleware: anyone).get(":id", use: employee)
    }

    /// `window` (`15m`, `1h`, `24h`…): default one hour, at most the retention.
    func window(_ request: Request, default fallback: Duration = .seconds(3_600)) throws -> (Duration, String) {
        guard let text = request.uri.queryParameters["window"].map(String.init) else { return (fallback, "1h") }
        guard let window = EnvironmentReader.parseDuration(text), window >= .seconds(60), window <= retention else {
            throw APIError.invalid("window", "window must be a duration from 1m to the retention (\(EnvironmentReader.durationText(retention))), such as 15m, 1h or 24h")
        }
        return (window, text)
    }

    struct Overview: ResponseEncodable {
        var window: String
        var generatedAt: Date
        var tasksByStatus: [String: Int]
        var openTasksByPriority: [String: Int]
        var perMinute: [String: Double]
        var waitTime: AnalyticsStore.DurationStats
        var acceptanceTime: AnalyticsStore.DurationStats
        var handlingTime: AnalyticsStore.DurationStats
        var longestWaiting: AnalyticsStore.Waiting?
        var overdueTasks: Int
        var retries: Int
        var fairness: Fairness
    }

    struct Fairness: Codable, Sendable {
        var jainIndex: Double
        var employees: Int
    }

    @Sendable func overview(request: Request, context: ServiceRequestContext) async throws -> Overview {
        let (window, label) = try window(request)
        let counts = try await store.eventCounts(window: window)
        let minutes = window.seconds / 60
        func rate(_ type: String) -> Double { ((Double(counts[type] ?? 0) / minutes) * 100).rounded() / 100 }
        let shares = try await store.assignmentsPerCapacity(window: window)
        return Overview(
            window: label, generatedAt: Date(), tasksByStatus: try await store.countsByStatus(),
            openTasksByPriority: try await store.openByPriority(),
            perMinute: ["created": rate("task.created"), "completed": rate("task.completed"), "failed": rate("task.failed")],
            waitTime: try await store.durations(AnalyticsStore.waitTime, endingAt: "first_assigned_at", window: window),
            acceptanceTime: try await store.durations(AnalyticsStore.acceptanceTime, endingAt: "accepted_at", window: window),
            handlingTime: try await store.durations(AnalyticsStore.handlingTime, endingAt: "completed_at", window: window),
            longestWaiting: try await store.longestWaiting(), overdueTasks: try await store.overdueOpen(),
            retries: try await store.retries(window: window),
            fairness: Fairness(jainIndex: (FairnessIndex.jain(shares) * 10_000).rounded() / 10_000, employees: shares.count)
        )
    }

    struct EmployeeFigures: ResponseEncodable, Sendable {
        var employeeId: UUID
        var username: String
        var window: String
        var assigned: Int
        var completed: Int
        var failed: Int
        var successRate: Double?
        var handlingTime: AnalyticsStore.DurationStats
        var currentLoad: Int
        var capacity: Int
        var utilisation: Double
    }

    struct EmployeeList: ResponseEncodable {
        var items: [EmployeeFigures]
    }

    func figures(of employee: AnalyticsStore.EmployeeRow, window: Duration, label: String) async throws -> EmployeeFigures {
        let counts = try await store.eventCounts(window: window, employee: employee.id)
        let completed = counts["task.completed"] ?? 0, failed = counts["task.failed"] ?? 0
        let busy = try await store.busySeconds(of: employee.id, window: window)
        let utilisation = busy / (window.seconds * Double(max(employee.capacity, 1)))
        return EmployeeFigures(
            employeeId: employee.id, username: employee.username, window: label, assigned: counts["task.assigned"] ?? 0,
            completed: completed, failed: failed,
            successRate: completed + failed > 0 ? (Double(completed) / Double(completed + failed) * 10_000).rounded() / 10_000 : nil,
            handlingTime: try await store.durations(AnalyticsStore.handlingTime, endingAt: "completed_at", window: window, assignee: employee.id),
            currentLoad: try await store.currentLoad(of: employee.id), capacity: employee.capacity,
            utilisation: (min(utilisation, 1) * 10_000).rounded() / 10_000
        )
    }

    @Sendable func employeeList(request: Request, context: ServiceRequestContext) async throws -> EmployeeList {
        let (window, label) = try window(request)
        var items: [EmployeeFigures] = []
        for employee in try await store.employees() { items.append(try await figures(of: employee, window: window, label: label)) }
        return EmployeeList(items: items)
    }

    @Sendable func employee(request: Request, context: ServiceRequestContext) async throws -> EmployeeFigures {
        let caller = try context.requireIdentity()
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else { throw APIError.malformed("id must be a UUID") }
        guard caller.isAdmin || caller.userId == id else { throw APIError(.forbidden, code: "forbidden", message: "an employee may read only their own figures") }
        let (window, label) = try window(request)
        guard let employee = try await store.employees(id).first else { throw APIError.notFound("employee") }
        return try await figures(of: employee, window: window, label: label)
    }

    struct Series: ResponseEncodable {
        var metric: String
        var window: String
        var buckets: [AnalyticsStore.Bucket]
    }

    static let metrics = ["throughput", "created", "failed", "wait", "handling"]

    @Sendable func timeseries(request: Request, context: ServiceRequestContext) async throws -> Series {
        guard let metric = request.uri.queryParameters["metric"].map(String.init), Self.metrics.contains(metric) else {
            throw APIError.invalid("metric", "metric must be one of \(Self.metrics.joined(separator: ", "))")
        }
        let (window, label) = try window(request)
        let buckets: [AnalyticsStore.Bucket] = switch metric {
        case "throughput": try await store.countSeries(of: "task.completed", window: window)
        case "created": try await store.countSeries(of: "task.created", window: window)
        case "failed": try await store.countSeries(of: "task.failed", window: window)
        case "wait": try await store.durationSeries(AnalyticsStore.waitTime, endingAt: "first_assigned_at", window: window)
        default: try await store.durationSeries(AnalyticsStore.handlingTime, endingAt: "completed_at", window: window)
        }
        return Series(metric: metric, window: label, buckets: buckets)
    }
}

