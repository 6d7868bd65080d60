import Foundation

/// What the analytics routes read: `AnalyticsStore`, computed in PostgreSQL, and the fixed figures
/// the controller tests set (docs/architecture.md, "Tests"). A window ends now or where it says.
protocol AnalyticsFigures: Sendable {
    /// Statistics of `span` for the tasks whose span ended in the window, optionally of one assignee.
    func durations(_ span: Span, window: Window, assignee: UUID?) async throws -> DurationStats
    /// Tasks by status (only statuses with any).
    func countsByStatus() async throws -> [String: Int]
    /// Open tasks by priority ("1"…"5").
    func openByPriority() async throws -> [String: Int]
    /// Open tasks by each skill they require (a task requiring two counts under both).
    func openBySkill() async throws -> [String: Int]
    /// Tasks completed in the window by each skill they required.
    func completedBySkill(window: Window) async throws -> [String: Int]
    /// How many events of each type happened in the window (of one employee, when given).
    func eventCounts(window: Window, employee: UUID?) async throws -> [String: Int]
    /// Failures in the window that were retried.
    func retries(window: Window) async throws -> Int
    /// Open tasks past their due time.
    func overdueOpen() async throws -> Int
    /// The task waiting longest, if any.
    func longestWaiting() async throws -> Waiting?
    /// Tasks assigned in the window per unit of capacity, for every employee assigned any.
    func assignmentsPerCapacity(window: Window) async throws -> [Double]
    /// Every employee by username, or only the one with id `id`.
    func employees(_ id: UUID?) async throws -> [EmployeeRow]
    /// Tasks offered to or in progress with the employee now.
    func currentLoad(of employee: UUID) async throws -> Int
    /// Seconds of work in progress (accepted until completed, failed or now) inside the window.
    func busySeconds(of employee: UUID, window: Window) async throws -> Double
    /// Counts of one event type over the window, a bucket per `width`.
    func countSeries(of type: String, window: Window, width: BucketWidth) async throws -> [Bucket]
    /// Statistics of `span`, a bucket per `width`, by when it ended.
    func durationSeries(_ span: Span, window: Window, width: BucketWidth) async throws -> [Bucket]
}

/// A stretch of a task's life the figures measure.
enum Span: String, Sendable, CaseIterable {
    /// Created until first offered.
    case wait
    /// Offered until accepted.
    case acceptance
    /// Accepted until completed.
    case handling
}

/// How long a span took: count, mean and percentiles in milliseconds (nil: no tasks).
struct DurationStats: Codable, Sendable, Equatable {
    var count: Int
    var meanMs: Double?
    var p50Ms: Double?
    var p90Ms: Double?
    var p99Ms: Double?
}

/// The task waiting longest.
struct Waiting: Codable, Sendable, Equatable {
    var taskId: UUID
    var priority: Int?
    var createdAt: Date
    var waitingSeconds: Double
}

/// An employee as the figures need them.
struct EmployeeRow: Sendable {
    var id: UUID
    var username: String
    var capacity: Int
}

/// The stretch of time figures count over: `length` back from `end` — now when nil, or a time in
/// the past for a custom range (`?window=…&to=…`).
struct Window: Sendable, Equatable {
    var length: Duration
    var end: Date?

    init(_ length: Duration, end: Date? = nil) { (self.length, self.end) = (length, end) }

    var seconds: Double { length.seconds }

    /// Where it starts and ends, by this process's clock when it ends now (the clock the events'
    /// times come from): what counts happened after `since` and no later than `until`.
    var bounds: (since: Date, until: Date) {
        let until = end ?? Date()
        return (until.addingTimeInterval(-seconds), until)
    }
}

/// How much time a series' bucket covers: a minute in a window of up to a day, an hour in a
/// longer one (a week is 168 points, not 10,080).
enum BucketWidth: String, Sendable, CaseIterable {
    case minute, hour

    init(window: Window) { self = window.length > .seconds(86_400) ? .hour : .minute }

    var seconds: Int { self == .minute ? 60 : 3_600 }
}

/// One bucket of a series; `minute` is when it starts (the hour's first minute for an hour), in
/// UTC whatever the database session's time zone.
struct Bucket: Codable, Sendable, Equatable {
    var minute: Date
    var count: Int
    var meanMs: Double?
    var p50Ms: Double?
    var p90Ms: Double?
}
