import Foundation
import Synchronization

@testable import AnalyticsService

/// Figures a controller test sets, as PostgreSQL would have computed them, with the windows the
/// routes asked for: the routes' own work (windows, rates, the fairness index, utilisation, who
/// may read what) is what these tests check; the statements are checked against PostgreSQL by
/// the black-box suite.
final class FixedFigures: AnalyticsFigures {
    struct Values {
        var durations: [Span: DurationStats] = [:]
        var byStatus: [String: Int] = [:]
        var openByPriority: [String: Int] = [:]
        var openBySkill: [String: Int] = [:]
        var completedBySkill: [String: Int] = [:]
        var events: [String: Int] = [:]
        var eventsByEmployee: [UUID: [String: Int]] = [:]
        var retries = 0
        var overdue = 0
        var longestWaiting: Waiting?
        var sharesPerCapacity: [Double] = []
        var employees: [EmployeeRow] = []
        var load: [UUID: Int] = [:]
        var busySeconds: [UUID: Double] = [:]
        var series: [String: [Bucket]] = [:]
        /// Every window a route asked for.
        var windowsAsked: [Duration] = []
        /// Where each window asked for ended (nil: now).
        var endsAsked: [Date?] = []
        /// Every bucket width a series was asked in.
        var widthsAsked: [BucketWidth] = []
    }

    let values = Mutex(Values())

    func set(_ change: (inout Values) -> Void) { values.withLock { change(&$0) } }
    var windowsAsked: [Duration] { values.withLock { $0.windowsAsked } }

    private func asked(_ window: Window) {
        values.withLock { values in
            values.windowsAsked.append(window.length)
            values.endsAsked.append(window.end)
        }
    }

    func durations(_ span: Span, window: Window, assignee: UUID?) async throws -> DurationStats {
        asked(window)
        return values.withLock { $0.durations[span] } ?? DurationStats(count: 0)
    }

    func countsByStatus() async throws -> [String: Int] { values.withLock { $0.byStatus } }
    func openByPriority() async throws -> [String: Int] { values.withLock { $0.openByPriority } }
    func openBySkill() async throws -> [String: Int] { values.withLock { $0.openBySkill } }

    func completedBySkill(window: Window) async throws -> [String: Int] {
        asked(window)
        return values.withLock { $0.completedBySkill }
    }

    func eventCounts(window: Window, employee: UUID?) async throws -> [String: Int] {
        asked(window)
        return values.withLock { values in employee.map { values.eventsByEmployee[$0] ?? [:] } ?? values.events }
    }

    func retries(window: Window) async throws -> Int { values.withLock { $0.retries } }
    func overdueOpen() async throws -> Int { values.withLock { $0.overdue } }
    func longestWaiting() async throws -> Waiting? { values.withLock { $0.longestWaiting } }
    func assignmentsPerCapacity(window: Window) async throws -> [Double] { values.withLock { $0.sharesPerCapacity } }

    func employees(_ id: UUID?) async throws -> [EmployeeRow] {
        values.withLock { $0.employees }.filter { id == nil || $0.id == id }.sorted { $0.username < $1.username }
    }

    func currentLoad(of employee: UUID) async throws -> Int { values.withLock { $0.load[employee] ?? 0 } }
    func busySeconds(of employee: UUID, window: Window) async throws -> Double { values.withLock { $0.busySeconds[employee] ?? 0 } }

    func countSeries(of type: String, window: Window, width: BucketWidth) async throws -> [Bucket] {
        asked(window)
        return values.withLock { values in
            values.widthsAsked.append(width)
            return values.series[type] ?? []
        }
    }

    func durationSeries(_ span: Span, window: Window, width: BucketWidth) async throws -> [Bucket] {
        asked(window)
        return values.withLock { values in
            values.widthsAsked.append(width)
            return values.series[span.rawValue] ?? []
        }
    }
}
