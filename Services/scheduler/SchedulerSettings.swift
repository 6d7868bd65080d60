import ServiceRuntime

/// The scheduler's own knobs (`ORCH_SCHEDULER_*`).
struct SchedulerSettings: Sendable {
    /// How long an employee has to accept an offer before it is withdrawn and they are set AWAY.
    var reservationTimeout: Duration
    /// How long an employee may be offline before `employee.gone` releases their tasks.
    var goneGrace: Duration
    /// How long a task waits to gain one level of priority.
    var agingStep: Duration
    /// How often the safety-net sweep runs (expiries, departures, a catch-up assignment round).
    var sweepInterval: Duration
    /// How long a Redis lock on a task or an employee lives if its holder does not release it.
    var lockTTL: Duration
    /// How many waiting tasks one assignment round considers.
    var roundSize: Int
    /// How long one assignment round or one sweep may take before it is given up as hung.
    var roundTimeout: Duration

    init(_ environment: EnvironmentReader) throws {
        reservationTimeout = try environment.duration(
            "ORCH_SCHEDULER_RESERVATION_TIMEOUT", default: .seconds(60), in: .seconds(1)...(.seconds(3_600))
        )
        goneGrace = try environment.duration("ORCH_SCHEDULER_GONE_GRACE", default: .seconds(30), in: .seconds(1)...(.seconds(86_400)))
        agingStep = try environment.duration("ORCH_SCHEDULER_AGING_STEP", default: .seconds(60), in: .seconds(1)...(.seconds(86_400)))
        sweepInterval = try environment.duration(
            "ORCH_SCHEDULER_SWEEP_INTERVAL", default: .seconds(2), in: .milliseconds(100)...(.seconds(60))
        )
        lockTTL = try environment.duration("ORCH_SCHEDULER_LOCK_TTL", default: .seconds(5), in: .milliseconds(1)...(.seconds(60)))
        roundSize = try environment.integer("ORCH_SCHEDULER_ROUND_SIZE", default: 500, in: 1...10_000)
        roundTimeout = try environment.duration(
            "ORCH_SCHEDULER_ROUND_TIMEOUT", default: .seconds(15), in: .seconds(1)...(.seconds(600))
        )
    }
}
