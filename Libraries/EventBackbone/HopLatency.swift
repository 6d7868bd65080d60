import Messaging
import Metrics
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How long an event spends on each hop of the backbone, as histograms on every service's
/// `/metrics` (docs/events.md, "How long a hop takes"):
///
/// - `orchestrator_outbox_send_seconds`: a commit that wrote the outbox → this process's relay's
///   next send (the wake, the read, the send);
/// - `orchestrator_event_delivery_seconds{queue,type}`: sent by the relay → taken by a consumer
///   (the broker, the consumer's prefetch, the batch before it);
/// - `orchestrator_event_handled_seconds{queue,type}`: sent by the relay → handled, committed
///   and acknowledged by the consumer;
/// - `orchestrator_assignment_wake_seconds` (the scheduler): a commit that can make an assignment
///   possible → the assignment round it wakes begins;
/// - `orchestrator_assignment_round_seconds` (the scheduler): a round that planned proposals,
///   from its first read to its proposals' commit (the queue, the team, the Redis locks, the
///   transaction);
/// - `orchestrator_feed_push_seconds` (the notifier): its writer commits a notification → the
///   frame is written to a connected client's socket.
///
/// The relay stamps each message with the time it sends it (`x-orch-published-at`, microseconds
/// of the wall clock); a consumer on another machine reads it against its own clock, so its
/// figures hold as far as the clocks agree.
public enum HopLatency {
    public static let publishedAtHeader = "x-orch-published-at"
    public static let outboxSend = "orchestrator_outbox_send_seconds"
    public static let delivery = "orchestrator_event_delivery_seconds"
    public static let handled = "orchestrator_event_handled_seconds"
    public static let assignmentWake = "orchestrator_assignment_wake_seconds"
    public static let assignmentRound = "orchestrator_assignment_round_seconds"
    public static let feedPush = "orchestrator_feed_push_seconds"
    /// How long one turn of a consumer takes to handle what it took (a batch, or one message).
    public static let handling = "orchestrator_event_handling_seconds"
    /// Every duration histogram, for the buckets below.
    public static let histograms = [outboxSend, delivery, handled, assignmentWake, assignmentRound, feedPush, handling]

    /// Buckets fine enough for hops of a millisecond and coarse enough for a backlog.
    public static let buckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(3), .milliseconds(5),
        .microseconds(7_500), .milliseconds(10), .milliseconds(15), .milliseconds(20), .milliseconds(30),
        .milliseconds(50), .milliseconds(75), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2_500), .seconds(5), .seconds(10), .seconds(30),
    ]

    /// The wall clock in microseconds since 1970.
    public static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1_000
    }

    /// Microseconds from the relay's stamp in a message's `headers` to `moment` (none before
    /// it: clocks apart), when it carries one.
    public static func since(_ headers: [String: HeaderValue], at moment: Int64) -> Int64? {
        guard case .integer(let stamp)? = headers[publishedAtHeader] else { return nil }
        return max(0, moment - stamp)
    }
}
