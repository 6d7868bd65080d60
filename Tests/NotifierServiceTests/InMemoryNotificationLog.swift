import Foundation
import Resilience
import Synchronization

@testable import NotifierService

/// A notification log in memory that signals its growth as `FeedSignal` does when the table's
/// trigger fires: the long-poll route's log and wake-ups in one.
final class InMemoryNotificationLog: NotificationReader, LogGrowth {
    private let entries = Mutex<[(audience: Audience, notification: NotificationLog.Notification)]>([])
    private let grown = Wakeup()

    /// Appends an event for each of `audiences` under the next cursor, then wakes the waiters.
    @discardableResult
    func append(_ type: String, data: String, for audiences: Set<Audience>) -> Int64 {
        let cursor = entries.withLock { entries in
            let cursor = (entries.last?.notification.cursor ?? 0) + 1
            for audience in audiences {
                entries.append((audience, NotificationLog.Notification(cursor: cursor, type: type, occurredAt: Date(), data: data)))
            }
            return cursor
        }
        grown.signal()
        return cursor
    }

    func after(_ cursor: Int64, for audience: Audience, limit: Int) async throws -> [NotificationLog.Notification] {
        Array(
            entries.withLock { $0 }.filter { $0.audience == audience && $0.notification.cursor > cursor }.map(\.notification).prefix(limit))
    }

    func latestCursor() async throws -> Int64 {
        entries.withLock { $0.last?.notification.cursor ?? 0 }
    }

    var generation: Int { grown.count }

    func wait(beyond generation: Int, timeout: Duration) async {
        await grown.wait(beyond: generation, timeout: timeout)
    }
}
