import Foundation

/// Exponential backoff with jitter, capped: the delays between attempts to reach a dependency
/// that is down, so many processes retrying at once do not hammer it in step.
public struct Backoff: Sendable {
    public var initial: Duration
    public var multiplier: Double
    public var maximum: Duration

    public init(initial: Duration = .milliseconds(100), multiplier: Double = 2, maximum: Duration = .seconds(5)) {
        precondition(initial > .zero && multiplier >= 1 && maximum >= initial, "invalid backoff")
        self.initial = initial
        self.multiplier = multiplier
        self.maximum = maximum
    }

    /// The upper bound of the delay before retry number `attempt` (0-based).
    public func ceiling(attempt: Int) -> Duration {
        let seconds = min(initial.seconds * pow(multiplier, Double(min(attempt, 64))), maximum.seconds)
        return .nanoseconds(Int64(seconds * 1e9))
    }

    /// A random delay in `[ceiling/2, ceiling]` before retry number `attempt`.
    public func delay(attempt: Int) -> Duration {
        let ceiling = ceiling(attempt: attempt).seconds
        return .nanoseconds(Int64(Double.random(in: (ceiling / 2)...ceiling) * 1e9))
    }
}

extension Duration {
    /// The duration as fractional seconds.
    public var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }

    /// The duration as a C `timeval`, for the blocking calls of the native clients.
    public var timeval: timeval {
        let (whole, attoseconds) = components
        return Glibc.timeval(tv_sec: Int(whole), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}

extension Backoff {
    /// Runs `body` again and again until the task is cancelled: after each failure `failed` is
    /// told the error and the next delay, which grows until `body` calls its `recovered`
    /// argument (typically once its connection is up).
    public func repeatUntilCancelled(
        failed: (any Error, Duration) -> Void,
        _ body: (_ recovered: () -> Void) async throws -> Void
    ) async {
        var attempt = 0
        while !Task.isCancelled {
            do {
                try await body { attempt = 0 }
            } catch {
                if Task.isCancelled { return }
                let wait = delay(attempt: attempt)
                failed(error, wait)
                try? await Task.sleep(for: wait)
                attempt += 1
            }
        }
    }
}
