import Logging
import Resilience
import ServiceLifecycle

/// Runs `job` now and then every `interval` until shutdown; a failure is logged at debug level
/// and the job runs again at the next tick (housekeeping such as pruning old rows). A run that
/// hangs (a query lost as PostgreSQL restarts) is given up after `deadline`, so the job goes on.
public struct PeriodicJob: Service {
    public let name: String
    public let interval: Duration
    public let logger: Logger
    public let deadline: Duration
    /// How long after start the first run waits (none: at once).
    public let firstRunAfter: Duration
    public let job: @Sendable () async throws -> Void

    public init(
        _ name: String, every interval: Duration, deadline: Duration = .seconds(60), firstRunAfter: Duration = .zero,
        logger: Logger, job: @escaping @Sendable () async throws -> Void
    ) {
        self.name = name
        self.interval = interval
        self.deadline = deadline
        self.firstRunAfter = firstRunAfter
        self.logger = logger
        self.job = job
    }

    public func run() async {
        await cancelWhenGracefulShutdown {
            if firstRunAfter > .zero { try? await Task.sleep(for: firstRunAfter) }
            while !Task.isCancelled {
                do {
                    try await withDeadline(deadline, operation: job)
                } catch let error as TimeoutError {
                    logger.warning("\(name) hung; given up", metadata: ["limit": "\(error.limit)"])
                } catch {
                    logger.debug("\(name) failed; will try again", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
