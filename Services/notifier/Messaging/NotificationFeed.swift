import Foundation

/// What the long-poll route reads of the notification log: `NotificationLog` in PostgreSQL, and
/// the in-memory log the controller tests run against (docs/architecture.md, "Tests").
protocol NotificationReader: Sendable {
    /// What `audience` has not seen after `cursor`, in order.
    func after(_ cursor: Int64, for audience: Audience, limit: Int) async throws -> [NotificationLog.Notification]
    /// The newest cursor of the whole log: where a client with no cursor starts.
    func latestCursor() async throws -> Int64
}

/// How the long-poll route learns that the log grew: `FeedSignal` (PostgreSQL's LISTEN), or the
/// in-memory log's own signal in the tests.
protocol LogGrowth: Sendable {
    /// Increases every time the log grows.
    var generation: Int { get }
    /// Returns once the log grew past `generation`, or after `timeout`.
    func wait(beyond generation: Int, timeout: Duration) async
}

extension NotificationLog: NotificationReader {}
extension FeedSignal: LogGrowth {}
