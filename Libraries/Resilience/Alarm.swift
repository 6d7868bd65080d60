import NIOCore
import NIOPosix

/// A callback at a time to come, on one of NIO's event loops — the loop the caller runs on when
/// it runs on one (the services run all their tasks there). For the time limits around every
/// wait and every batch: a `Task.sleep` child for each cost a task, a Dispatch timer and two
/// thread hops through Dispatch's manager and worker threads, a fifth of a busy service's CPU;
/// an alarm is an entry in the loop's own timer queue, set and cancelled without a system call.
public struct Alarm: Sendable {
    private let scheduled: Scheduled<Void>

    /// Calls `fire` after `delay` unless cancelled first.
    public init(after delay: Duration, _ fire: @escaping @Sendable () -> Void) {
        let (seconds, attoseconds) = delay.components
        let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let amount: TimeAmount =
            nanoseconds.overflow
            ? .hours(24 * 365)
            : .nanoseconds(max(0, nanoseconds.partialValue &+ attoseconds / 1_000_000_000))
        scheduled = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: amount, fire)
    }

    /// Stops the alarm if it has not fired yet (harmless after it has).
    public func cancel() { scheduled.cancel() }
}
