import CRabbitMQ
import Foundation
import Logging
import Resilience
import ServiceLifecycle
import Synchronization

/// A broker connection owned by one dedicated thread, reconnecting with backoff for as long as
/// the service runs: a broker that is down at start, or restarts later, needs no service restart.
///
/// rabbitmq-c is not thread-safe and blocks, so only the owning thread touches it. Callers hand
/// it work — publishes, acknowledgements, declarations — through a queue and a wake-up descriptor;
/// deliveries come back through a ``DeliveryQueue`` per consumer. Publishes wait for the broker's confirms, many in
/// flight at once. After a reconnect the topology is declared again and every consumer resumes.
public final class AMQPConnection: Service, Sendable {
    public struct Options: Sendable {
        public var name = "amqp"
        public var heartbeat: Int = 10
        public var connectTimeout: Duration = .seconds(3)
        public var caFile: String?
        public var backoff = Backoff(initial: .milliseconds(200), multiplier: 2, maximum: .seconds(5))
        public init() {}
    }

    private let url: AMQPURL
    private let options: Options
    private let logger: Logger
    private let shared = Mutex(SharedState())
    /// A pipe: callers write a byte to wake the owning thread, which polls the read end.
    private let wakeReader: Int32
    private let wakeWriter: Int32

    public init(url: AMQPURL, options: Options = Options(), logger: Logger) {
        self.url = url
        self.options = options
        self.logger = logger
        var descriptors: [Int32] = [-1, -1]
        precondition(pipe(&descriptors) == 0, "cannot create a pipe")
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        (wakeReader, wakeWriter) = (descriptors[0], descriptors[1])
    }

    deinit {
        close(wakeReader)
        close(wakeWriter)
    }

    /// Up while the connection is open and its topology declared.
    public func probe() -> DependencyHealth {
        switch shared.withLock({ $0.status }) {
        case .up: .up
        case .down(let reason): .down(reason: reason)
        }
    }

    /// Queues (with their retry and dead-letter companions) to declare now and after every
    /// reconnect.
    public func declare(_ queues: [QueueDeclaration]) {
        shared.withLock { state in
            state.topology.append(contentsOf: queues)
            state.commands.append(.declare(queues))
        }
        wake()
    }

    /// Publishes `messages` in order and returns once the broker has confirmed every one.
    /// Throws when the broker refused one or the connection broke first; then any of them may or
    /// may not have been delivered, so the caller publishes them again (consumers deduplicate).
    public func publish(_ messages: [OutgoingMessage]) async throws {
        try await send(messages).confirmed()
    }

    /// Hands `messages` to the connection at once, in order after anything sent before, and
    /// returns without waiting for the broker: await the batch's ``PublishBatch/confirmed()``.
    /// Many batches may be in flight together, which is how a publisher keeps the broker busy.
    /// In a `sequence`, a batch is not sent once an earlier one of it failed (it fails too).
    public func send(_ messages: [OutgoingMessage], in sequence: PublishSequence? = nil) -> PublishBatch {
        let batch = PublishBatch(count: messages.count, sequence: sequence)
        guard !messages.isEmpty else { return batch }
        let refusal: String? = shared.withLock { state in
            // Checked under the lock the owning thread takes to report itself up again: a batch
            // lost with the old connection has broken its sequence before that.
            if let earlier = sequence?.broken { return "an earlier batch of the sequence failed: \(earlier)" }
            guard case .up = state.status else {
                if case .down(let reason) = state.status { return "broker unavailable: \(reason)" }
                return "broker unavailable: not connected"
            }
            state.commands.append(.publish(messages, batch))
            return nil
        }
        if let refusal {
            batch.fail(AMQPError("publish", refusal))
        } else {
            wake()
        }
        return batch
    }

    /// The deliveries of `queue`, consumed with manual acknowledgement and at most `prefetch`
    /// unacknowledged at once. Consumption resumes by itself after a reconnect.
    public func deliveries(from queue: String, prefetch: UInt16) -> DeliveryQueue {
        let deliveries = DeliveryQueue()
        shared.withLock { state in
            state.subscriptions[queue] = Subscription(prefetch: prefetch, deliveries: deliveries)
            state.commands.append(.subscribe(queue))
        }
        wake()
        return deliveries
    }

    /// Acknowledges a delivery: the broker forgets it.
    public func ack(_ delivery: Delivery) {
        ack([delivery])
    }

    /// Acknowledges deliveries; those that complete a run of settled deliveries go to the
    /// broker as one `multiple` ack (`AckLedger`).
    public func ack(_ deliveries: [Delivery]) {
        guard !deliveries.isEmpty else { return }
        enqueue(deliveries.map { .ack($0.tag, generation: $0.generation) })
    }

    /// Rejects a delivery: back to the queue (`requeue`) or dropped to the queue's dead letters.
    public func reject(_ delivery: Delivery, requeue: Bool) {
        enqueue(.reject(delivery.tag, requeue: requeue, generation: delivery.generation))
    }

    public func run() async {
        await withTaskCancellationOrGracefulShutdownHandler {
            await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
                let thread = Thread { [self] in
                    ownerLoop()
                    finished.resume()
                }
                thread.name = options.name
                thread.start()
            }
        } onCancelOrGracefulShutdown: {
            self.shared.withLock { $0.stopping = true }
            self.wake()
        }
    }

    // MARK: - Shared with the owning thread

    private enum Status: Sendable {
        case down(reason: String)
        case up
    }

    struct Subscription: Sendable {
        let prefetch: UInt16
        let deliveries: DeliveryQueue
    }

    enum Command: Sendable {
        case publish([OutgoingMessage], PublishBatch)
        case ack(UInt64, generation: Int)
        case reject(UInt64, requeue: Bool, generation: Int)
        case declare([QueueDeclaration])
        case subscribe(String)
    }

    private struct SharedState: Sendable {
        var status = Status.down(reason: "not connected yet")
        var stopping = false
        /// The owning thread is (about to be) blocked in `poll`: a new command must wake it.
        var sleeping = false
        var commands: [Command] = []
        var topology: [QueueDeclaration] = []
        var subscriptions: [String: Subscription] = [:]
    }

    private func enqueue(_ command: Command) {
        enqueue([command])
    }

    /// Queues commands for the owning thread, waking it only if it sleeps: it looks for more
    /// commands before it sleeps, under the same lock.
    private func enqueue(_ commands: [Command]) {
        let sleeping = shared.withLock { state in
            state.commands.append(contentsOf: commands)
            defer { state.sleeping = false }
            return state.sleeping
        }
        if sleeping { wake() }
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWriter, &byte, 1)
    }

    private var shouldStop: Bool { shared.withLock { $0.stopping } }

    // MARK: - The owning thread

    private func ownerLoop() {
        var attempt = 0
        var generation = 0
        while !shouldStop {
            do {
                let session = try AMQPSession(
                    url: url, heartbeat: options.heartbeat, connectTimeout: options.connectTimeout, caFile: options.caFile
                )
                generation += 1
                attempt = 0
                let loop = SessionLoop(session: session, generation: generation, logger: logger)
                do {
                    try prepare(loop)
                    try serve(loop)
                    loop.failPending(AMQPError("publish", "connection closed"))
                    session.close()
                } catch {
                    loop.failPending(error)
                    session.abandon()
                    throw error
                }
            } catch {
                markDown(String(describing: error))
                let delay = options.backoff.delay(attempt: attempt)
                logger.warning(
                    "broker unavailable, retrying",
                    metadata: [
                        "amqp.connection": "\(options.name)", "error": "\(error)", "retry.in": "\(delay)",
                    ])
                attempt += 1
                sleep(for: delay)
            }
        }
        markDown("stopped")
        shared.withLock { state in
            for subscription in state.subscriptions.values { subscription.deliveries.finish() }
        }
    }

    /// Declares the topology, enables confirms and resumes every consumer on a fresh session.
    private func prepare(_ loop: SessionLoop) throws {
        let (topology, subscriptions) = shared.withLock { state in
            // Everything queued before now is covered by the full declaration below.
            state.commands.removeAll { command in
                switch command {
                case .declare, .subscribe: true
                default: false
                }
            }
            return (state.topology, state.subscriptions)
        }
        try loop.session.declareExchange(Exchanges.events, type: "topic")
        try loop.session.declareExchange(Exchanges.deadLetters, type: "topic")
        try loop.session.declareExchange(Exchanges.retry, type: "topic")
        for queue in topology { try loop.declare(queue) }
        try loop.session.enablePublisherConfirms()
        for (queue, subscription) in subscriptions {
            try loop.session.consume(queue, consumerTag: queue, prefetch: subscription.prefetch)
        }
        shared.withLock { $0.status = .up }
        logger.info(
            "connected to broker",
            metadata: [
                "amqp.connection": "\(options.name)", "amqp.host": "\(url.host)", "amqp.port": "\(url.port)",
            ])
    }

    /// Runs commands and reads frames until asked to stop or the connection breaks.
    private func serve(_ loop: SessionLoop) throws {
        while !shouldStop {
            let commands = shared.withLock { state in
                defer { state.commands.removeAll(keepingCapacity: true) }
                return state.commands
            }
            var acks: [UInt64] = []
            for (index, command) in commands.enumerated() {
                do {
                    if case .ack(let tag, let generation) = command {
                        // Sent after the other commands, coalesced (a later ack is never wrong).
                        if generation == loop.generation { acks.append(tag) }
                        continue
                    }
                    try execute(command, on: loop)
                } catch {
                    // The publishes taken from the queue and not yet sent would otherwise wait
                    // for ever: fail them with the one that broke (the drills found an outbox
                    // relay stuck on such a batch after a broker restart).
                    for pending in commands[index...] {
                        if case .publish(_, let batch) = pending { batch.fail(AMQPError("publish", "connection lost")) }
                    }
                    throw error
                }
            }
            for ack in loop.ledger.acks(for: acks) { try loop.session.ack(ack.tag, multiple: ack.multiple) }
            while let frame = try loop.session.nextFrame(timeout: .zero) {
                if let delivery = try loop.handle(frame) { dispatch(delivery) }
            }
            if loop.session.hasBufferedFrames { continue }
            let idle = shared.withLock { state in
                state.sleeping = state.commands.isEmpty
                return state.sleeping
            }
            guard idle else { continue }
            waitForActivity(socket: loop.session.socketDescriptor, timeoutMilliseconds: 1_000)
            shared.withLock { $0.sleeping = false }
        }
    }

    private func execute(_ command: Command, on loop: SessionLoop) throws {
        switch command {
        case .publish(let messages, let batch):
            try loop.publish(messages, batch: batch)
        case .ack:
            break  // `serve` gathers a round's acks and sends them coalesced
        case .reject(let tag, let requeue, let generation):
            if generation == loop.generation {
                try loop.session.reject(tag, requeue: requeue)
                loop.ledger.rejected(tag)
            }
        case .declare(let queues):
            for queue in queues { try loop.declare(queue) }
        case .subscribe(let queue):
            if let subscription = shared.withLock({ $0.subscriptions[queue] }) {
                try loop.session.consume(queue, consumerTag: queue, prefetch: subscription.prefetch)
            }
        }
    }

    private func dispatch(_ delivery: Delivery) {
        let subscription = shared.withLock { $0.subscriptions[delivery.queue] }
        subscription?.deliveries.push(delivery)
    }

    private func markDown(_ reason: String) {
        shared.withLock { state in
            state.status = .down(reason: reason)
            // Nobody will run these on this connection; the callers learn it now.
            for command in state.commands {
                if case .publish(_, let batch) = command { batch.fail(AMQPError("publish", "connection lost")) }
            }
            state.commands.removeAll { if case .publish = $0 { true } else { false } }
        }
    }

    /// Blocks the owning thread until the socket is readable, a command arrives, or the timeout.
    private func waitForActivity(socket: Int32, timeoutMilliseconds: Int32) {
        var descriptors = [
            pollfd(fd: socket, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeReader, events: Int16(POLLIN), revents: 0),
        ]
        _ = poll(&descriptors, 2, timeoutMilliseconds)
        if descriptors[1].revents != 0 {
            var drained = [UInt8](repeating: 0, count: 256)
            while read(wakeReader, &drained, drained.count) > 0 {}
        }
    }

    /// Sleeps in short steps so a stop request is noticed quickly.
    private func sleep(for delay: Duration) {
        var remaining = delay
        while remaining > .zero, !shouldStop {
            let step = min(remaining, .milliseconds(100))
            Thread.sleep(forTimeInterval: step.seconds)
            remaining -= step
        }
    }
}
