import Foundation
import Logging
import Resilience
import ServiceLifecycle
import Synchronization

/// A broker connection owned by one dedicated thread, reconnecting with backoff for as long as
/// the service runs: a broker that is down at start, or restarts later, needs no service restart.
///
/// The thread is the only one that touches rabbitmq-c, so blocking network calls never run on
/// Swift's cooperative thread pool.
public final class AMQPConnection: Service, Sendable {
    public struct Options: Sendable {
        public var heartbeat: Int = 10
        public var connectTimeout: Duration = .seconds(3)
        public var caFile: String?
        public var backoff = Backoff(initial: .milliseconds(200), multiplier: 2, maximum: .seconds(5))
        public init() {}
    }

    private enum Status: Sendable {
        case down(reason: String)
        case up
    }

    private let url: AMQPURL
    private let options: Options
    private let logger: Logger
    private let status = Mutex(Status.down(reason: "not connected yet"))
    private let stopping = Mutex(false)

    public init(url: AMQPURL, options: Options = Options(), logger: Logger) {
        self.url = url
        self.options = options
        self.logger = logger
    }

    /// Up while the connection is open and its topology declared.
    public func probe() -> DependencyHealth {
        switch status.withLock({ $0 }) {
        case .up: .up
        case .down(let reason): .down(reason: reason)
        }
    }

    public func run() async {
        await withTaskCancellationOrGracefulShutdownHandler {
            await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
                let thread = Thread { [self] in
                    ownerLoop()
                    finished.resume()
                }
                thread.name = "amqp-connection"
                thread.start()
            }
        } onCancelOrGracefulShutdown: {
            self.stopping.withLock { $0 = true }
        }
    }

    private var shouldStop: Bool { stopping.withLock { $0 } }

    private func ownerLoop() {
        var attempt = 0
        while !shouldStop {
            do {
                let session = try AMQPSession(
                    url: url, heartbeat: options.heartbeat, connectTimeout: options.connectTimeout, caFile: options.caFile
                )
                attempt = 0
                try serve(session)
            } catch {
                status.withLock { $0 = .down(reason: String(describing: error)) }
                let delay = options.backoff.delay(attempt: attempt)
                logger.warning("broker unavailable, retrying", metadata: ["error": "\(error)", "retry.in": "\(delay)"])
                attempt += 1
                sleep(for: delay)
            }
        }
        status.withLock { $0 = .down(reason: "stopped") }
    }

    /// Declares the shared topology, then keeps the connection alive until stopped or broken.
    private func serve(_ session: AMQPSession) throws {
        do {
            try session.declareExchange(Exchanges.events, type: "topic")
            try session.declareExchange(Exchanges.deadLetters, type: "topic")
            status.withLock { $0 = .up }
            logger.info("connected to broker", metadata: ["amqp.host": "\(url.host)", "amqp.port": "\(url.port)"])
            while !shouldStop {
                _ = try session.nextFrame(timeout: .milliseconds(200))
            }
            session.close()
        } catch {
            session.abandon()
            throw error
        }
    }

    /// Sleeps on the owning thread in short steps so a stop request is noticed quickly.
    private func sleep(for delay: Duration) {
        var remaining = delay
        while remaining > .zero, !shouldStop {
            let step = min(remaining, .milliseconds(100))
            Thread.sleep(forTimeInterval: step.seconds)
            remaining -= step
        }
    }
}
