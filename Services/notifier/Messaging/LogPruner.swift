import Logging
import ServiceLifecycle

/// Keeps the notification log bounded: every minute, drops entries older than the retention.
struct LogPruner: Service {
    let log: NotificationLog
    let retention: Duration
    let logger: Logger

    func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await log.prune(olderThan: retention)
                } catch {
                    logger.debug("could not prune the notification log", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: .seconds(60))
            }
        }
    }
}
