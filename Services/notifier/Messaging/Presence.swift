import EventBackbone
import EventContracts
import Foundation
import KeyValueStore
import Logging
import Persistence
import PostgresNIO
import Resilience
import ServiceLifecycle
import Synchronization

/// Who is online (docs/notifications.md, "Presence"): every live session — a WebSocket, or a long-poll seen recently —
/// holds a lease in Redis that its replica refreshes. An employee's first live lease publishes
/// `presence.online`; when the last one ends or expires (a replica that dies stops refreshing),
/// `presence.offline`. Redis' answers decide which replica publishes, so each change is
/// published once.
final class Presence: Service, Sendable {
    struct Session: Hashable, Sendable {
        let employee: UUID
        let id: String
    }

    private let redis: RedisConnection
    private let client: PostgresClient
    private let ttl: Duration
    private let logger: Logger
    private let sessions = Mutex<Set<Session>>([])

    init(redis: RedisConnection, client: PostgresClient, ttl: Duration, logger: Logger) {
        self.redis = redis
        self.client = client
        self.ttl = ttl
        self.logger = logger
    }

    static let onlineSet = "presence:online"
    static func leases(_ employee: UUID) -> String { "presence:leases:\(employee.uuidString)" }

    /// Adds a lease for a new session. A WebSocket's lease is kept alive by this replica until
    /// the socket closes (`keptAlive`); a long-poll's lease lapses one TTL after the last poll.
    @discardableResult
    func open(employee: UUID, id: String = UUID.random().uuidString, keptAlive: Bool = true) async throws -> Session {
        let session = Session(employee: employee, id: id)
        if keptAlive { sessions.withLock { _ = $0.insert(session) } }
        let reply = try await redis.send([
            "EVAL", Self.openScript, "2", Self.leases(employee), Self.onlineSet, id, String(expiry()), String(now()), employee.uuidString,
        ])
        if reply == .integer(1) { try await publish(PresenceOnline(employeeId: employee, at: .nowToTheMillisecond)) }
        return session
    }

    /// Ends a session; the employee goes offline when it was their last.
    func close(_ session: Session) async {
        sessions.withLock { _ = $0.remove(session) }
        do {
            let reply = try await redis.send([
                "EVAL", Self.closeScript, "2", Self.leases(session.employee), Self.onlineSet, session.id, String(now()),
                session.employee.uuidString,
            ])
            if reply == .integer(1) {
                try await publish(PresenceOffline(employeeId: session.employee, at: .nowToTheMillisecond))
            }
        } catch {
            logger.warning("could not end a presence lease; it will expire", metadata: ["error": "\(error)"])
        }
    }

    /// Refreshes this replica's leases and retires everyone whose leases all expired.
    func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: self.ttl / 3)
                do {
                    // Given up when it hangs, so the next upkeep still renews the leases in time.
                    try await withDeadline(self.ttl) {
                        try await self.refresh()
                        try await self.sweep()
                    }
                } catch {
                    self.logger.warning("presence upkeep failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Commands per pipeline in the upkeep: one round trip each, instead of one per session.
    static let upkeepBatch = 500

    /// Renews every live session's lease, and puts back what Redis lost: after a restart (or
    /// an upkeep stalled past the TTL) a live session's lease and the employee's place in the
    /// online set are written again, and the employee announced online once more. A session
    /// closed while its renewal was under way leaves a lease that lapses within one TTL.
    private func refresh() async throws {
        let live = sessions.withLock { Array($0) }
        for start in stride(from: 0, to: live.count, by: Self.upkeepBatch) {
            let batch = live[start..<min(start + Self.upkeepBatch, live.count)]
            let replies = try await redis.pipeline(
                batch.map { session in
                    [
                        "EVAL", Self.openScript, "2", Self.leases(session.employee), Self.onlineSet, session.id, String(expiry()),
                        String(now()),
                        session.employee.uuidString,
                    ]
                })
            for (session, reply) in zip(batch, replies) where reply == .integer(1) {
                logger.info("presence restored after Redis lost it", metadata: ["employee": "\(session.employee)"])
                try await publish(PresenceOnline(employeeId: session.employee, at: .nowToTheMillisecond))
            }
        }
    }

    private func sweep() async throws {
        guard case .array(let members) = try await redis.send(["SMEMBERS", Self.onlineSet]) else { return }
        let employees = members.compactMap { member -> UUID? in
            guard case .string(let text) = member else { return nil }
            return UUID(uuidString: text)
        }
        for start in stride(from: 0, to: employees.count, by: Self.upkeepBatch) {
            let batch = employees[start..<min(start + Self.upkeepBatch, employees.count)]
            let replies = try await redis.pipeline(
                batch.map { employee in
                    ["EVAL", Self.closeScript, "2", Self.leases(employee), Self.onlineSet, "", String(now()), employee.uuidString]
                })
            for (employee, reply) in zip(batch, replies) where reply == .integer(1) {
                try await publish(PresenceOffline(employeeId: employee, at: .nowToTheMillisecond))
            }
        }
    }

    private func publish<Payload: EventPayload>(_ payload: Payload) async throws {
        let event = try EncodedEvent(EventEnvelope(source: "notifier", correlationId: UUID.random(), data: payload))
        try await client.transaction(logger: logger) { connection in
            try await Outbox(schema: "notifier").append([event], on: connection, logger: logger)
        }
    }

    private func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1_000) }
    private func expiry() -> Int64 { now() + ttl.components.seconds * 1_000 + ttl.components.attoseconds / 1_000_000_000_000_000 }

    /// Adds the lease, drops expired ones; 1 when the employee was not online before.
    static let openScript = """
        redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
        return redis.call('SADD', KEYS[2], ARGV[4])
        """

    /// Drops the lease (if any) and expired ones; 1 when that left the employee with none and
    /// this call is the one that took them offline.
    static let closeScript = """
        if ARGV[1] ~= '' then redis.call('ZREM', KEYS[1], ARGV[1]) end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
        if redis.call('ZCARD', KEYS[1]) == 0 then return redis.call('SREM', KEYS[2], ARGV[3]) end
        return 0
        """
}
