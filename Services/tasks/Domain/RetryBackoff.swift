import Foundation

/// How long a failed task waits before it may be assigned again: `initial`, multiplied by
/// `multiplier` for each further attempt, never more than `maximum` (all configurable).
struct RetryBackoff: Sendable, Equatable {
    var initial: Duration = .seconds(10)
    var multiplier: Double = 2
    var maximum: Duration = .seconds(600)

    /// The delay before attempt `attempt` (2 for the first retry).
    func delay(beforeAttempt attempt: Int) -> Duration {
        let retries = max(0, attempt - 2)
        let seconds = initial.seconds * pow(multiplier, Double(min(retries, 60)))
        return .milliseconds(Int64(min(seconds, maximum.seconds) * 1_000))
    }

    func notBefore(attempt: Int, now: Date) -> Date {
        now.addingTimeInterval(delay(beforeAttempt: attempt).seconds)
    }
}

extension Duration {
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
