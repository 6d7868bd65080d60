import ServiceRuntime

/// The tasks service's own knobs (`ORCH_TASKS_*`).
struct TaskSettings: Sendable {
    var defaultMaxAttempts: Int
    var retryBackoff: RetryBackoff
    /// How long an in-progress task whose employee went away stays flagged before it is requeued.
    var flaggedTimeout: Duration
    /// How long a declined task is kept from the employee who declined it — and a task an admin
    /// took back from the one it was taken from — even when nobody else can take it.
    var declineHold: Duration
    /// How often due dates and flagged tasks are checked.
    var sweepInterval: Duration

    init(_ environment: EnvironmentReader) throws {
        defaultMaxAttempts = try environment.integer("ORCH_TASKS_MAX_ATTEMPTS", default: 3, in: 1...20)
        retryBackoff = RetryBackoff(
            initial: try environment.duration("ORCH_TASKS_RETRY_INITIAL", default: .seconds(10), in: .zero...(.seconds(86_400))),
            multiplier: Double(try environment.integer("ORCH_TASKS_RETRY_MULTIPLIER", default: 2, in: 1...10)),
            maximum: try environment.duration("ORCH_TASKS_RETRY_MAX", default: .seconds(600), in: .zero...(.seconds(86_400)))
        )
        flaggedTimeout = try environment.duration(
            "ORCH_TASKS_FLAGGED_TIMEOUT", default: .seconds(300), in: .seconds(1)...(.seconds(86_400)))
        declineHold = try environment.duration("ORCH_TASKS_DECLINE_HOLD", default: .seconds(300), in: .zero...(.seconds(86_400)))
        sweepInterval = try environment.duration("ORCH_TASKS_SWEEP_INTERVAL", default: .seconds(2), in: .milliseconds(100)...(.seconds(60)))
    }
}
