import EventBackbone
import EventContracts
import Foundation
import Logging
import Persistence
import PostgresNIO
import Resilience
import ServiceLifecycle

/// The scheduler's clocks, checked every sweep interval: offers not accepted in time are
/// withdrawn (`reservation.expired`, and the employee set AWAY); employees offline past the
/// grace period holding tasks are announced gone (`employee.gone`). Each is claimed by a
/// conditional update, so with several replicas each is published once.
struct Timekeeper: Service {
    let store: SchedulerStore
    let settings: SchedulerSettings
    let logger: Logger
    /// Completed and cancelled tasks are forgotten after this long.
    var retention: Duration = .seconds(86_400)

    func run() async {
        await cancelWhenGracefulShutdown {
            var lastPrune = ContinuousClock.now
            while !Task.isCancelled {
                try? await Task.sleep(for: settings.sweepInterval)
                do {
                    // Given up when it hangs (a query lost as PostgreSQL restarts never returns),
                    // so the next sweep still comes.
                    try await withDeadline(settings.roundTimeout) {
                        try await expireReservations()
                        try await announceDepartures()
                    }
                    if ContinuousClock.now - lastPrune > .seconds(3_600) {
                        try await withDeadline(settings.roundTimeout) { try await store.prune(olderThan: retention) }
                        lastPrune = ContinuousClock.now
                    }
                } catch {
                    logger.warning("scheduler sweep failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    func expireReservations() async throws {
        let rows = try await store.client.query(
            """
            SELECT id, assignee_id, reservation_id, version FROM scheduler.tasks
            WHERE stage = 'ASSIGNED' AND NOT expiry_sent
              AND reserved_at < now() - make_interval(secs => \(settings.reservationTimeout.seconds))
            LIMIT 500
            """,
            logger: logger
        ).collect()
        for row in rows {
            let (taskId, employeeId, reservationId, version) = try row.decode((UUID, UUID, UUID, Int).self)
            try await store.client.transaction(logger: logger) { connection in
                let claimed = try await connection.query(
                    """
                    UPDATE scheduler.tasks SET expiry_sent = true
                    WHERE id = \(taskId) AND version = \(version) AND stage = 'ASSIGNED' AND NOT expiry_sent RETURNING id
                    """,
                    logger: logger
                ).collect()
                guard !claimed.isEmpty else { return }
                let correlationId = UUID.random()
                let expired = ReservationExpired(
                    taskId: taskId, employeeId: employeeId, reservationId: reservationId, expectedVersion: version)
                try await store.outbox.append(
                    EventEnvelope(source: "scheduler", correlationId: correlationId, data: expired), on: connection, logger: logger
                )
                try await store.setAvailability(
                    employeeId, to: .away, reason: "reservation_expired", correlationId: correlationId, on: connection)
            }
            logger.info("reservation expired", metadata: ["task.id": "\(taskId)", "employee.id": "\(employeeId)"])
        }
    }

    func announceDepartures() async throws {
        let rows = try await store.client.query(
            """
            SELECT id FROM scheduler.employees
            WHERE NOT online AND NOT gone_announced AND offline_since < now() - make_interval(secs => \(settings.goneGrace.seconds))
            LIMIT 500
            """,
            logger: logger
        ).collect()
        for row in rows {
            let employeeId = try row.decode(UUID.self)
            try await store.client.transaction(logger: logger) { connection in
                let claimed = try await connection.query(
                    """
                    UPDATE scheduler.employees SET gone_announced = true
                    WHERE id = \(employeeId) AND NOT online AND NOT gone_announced RETURNING offline_since
                    """,
                    logger: logger
                ).collect()
                guard let since = try claimed.first?.decode(Date?.self) else { return }
                let held = try await connection.query(
                    """
                    SELECT id FROM scheduler.tasks WHERE assignee_id = \(employeeId) AND stage IN \(unescaped: SchedulerStore.holding)
                    ORDER BY id
                    """,
                    logger: logger
                ).collect().map { try $0.decode(UUID.self) }
                // Nothing to release: the departure changes nothing and is not announced.
                guard !held.isEmpty else { return }
                try await store.outbox.append(
                    EventEnvelope(
                        source: "scheduler", correlationId: UUID.random(),
                        data: EmployeeGone(employeeId: employeeId, taskIds: held, since: since)),
                    on: connection, logger: logger
                )
                logger.info("employee gone", metadata: ["employee.id": "\(employeeId)", "tasks": "\(held.count)"])
            }
        }
    }
}
