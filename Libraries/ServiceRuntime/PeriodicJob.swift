import Logging
import ServiceLifecycle

/// Runs `job` now and then every `interval` until shutdown; a failure is logged at debug level
/// and the job runs again at the next tick (housekeeping such as pruning old rows).
public struct PeriodicJob: Service {
    public let name: String
    public let interval: Duration
    public let logger: Logger
    public let job: @Sendable () async throws -> Void

    public init(_ name: String, every interval: Duration, logger: Logger, job: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.interval = interval
        self.logger = logger
        self.job = job
    }

    public func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await job()
                } catch {
                    logger.debug("\(name) failed; will try again", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
