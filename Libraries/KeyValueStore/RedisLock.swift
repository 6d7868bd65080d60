import Foundation

/// A lease on a key in Redis (`SET key token NX PX ttl`): held by whoever set it, until it is
/// released or its time to live runs out. Release and extend check the token atomically (a Lua
/// compare-and-delete / compare-and-pexpire), so a holder whose lease expired — and that someone
/// else took since — can never release or extend the other's.
///
/// Locks are an optimisation that keeps replicas off the same work; correctness must still come
/// from conditional updates in the database, because a lease can expire while its holder works.
public struct RedisLock: Sendable {
    public let key: String
    public let token: String
    public let ttl: Duration

    /// Tries once; nil when someone else holds the key.
    public static func acquire(_ key: String, ttl: Duration, on redis: RedisConnection) async throws -> RedisLock? {
        let token = UUID().uuidString
        let reply = try await redis.send(["SET", key, token, "NX", "PX", String(milliseconds(ttl))])
        return reply == .status("OK") ? RedisLock(key: key, token: token, ttl: ttl) : nil
    }

    /// Tries until acquired or `wait` has passed, with short randomised pauses between tries.
    public static func acquire(
        _ key: String, ttl: Duration, waitingUpTo wait: Duration, on redis: RedisConnection
    ) async throws -> RedisLock? {
        let deadline = ContinuousClock.now + wait
        var pause = Duration.milliseconds(2)
        while true {
            if let lock = try await acquire(key, ttl: ttl, on: redis) { return lock }
            let now = ContinuousClock.now
            guard now < deadline else { return nil }
            let jittered = Duration.microseconds(Int64.random(in: (pause.microseconds / 2)...pause.microseconds))
            try await Task.sleep(for: min(jittered, deadline - now))
            pause = min(pause * 2, .milliseconds(50))
        }
    }

    /// Tries once for each of `keys`, in one round trip; returns the locks acquired, by key (a key
    /// someone else holds is missing). Duplicate keys are tried once.
    public static func acquire(_ keys: [String], ttl: Duration, on redis: RedisConnection) async throws -> [String: RedisLock] {
        let unique = Array(Set(keys))
        let locks = unique.map { RedisLock(key: $0, token: UUID().uuidString, ttl: ttl) }
        let replies = try await redis.pipeline(locks.map { ["SET", $0.key, $0.token, "NX", "PX", String(milliseconds(ttl))] })
        var acquired: [String: RedisLock] = [:]
        for (lock, reply) in zip(locks, replies) where reply == .status("OK") { acquired[lock.key] = lock }
        return acquired
    }

    /// Releases each lock that is still ours, in one round trip.
    public static func release(_ locks: [RedisLock], on redis: RedisConnection) async throws {
        guard !locks.isEmpty else { return }
        try await redis.pipeline(locks.map { ["EVAL", compareAndDelete, "1", $0.key, $0.token] })
    }

    /// Releases the lock if it is still ours; returns whether it was.
    @discardableResult
    public func release(on redis: RedisConnection) async throws -> Bool {
        let reply = try await redis.send(["EVAL", Self.compareAndDelete, "1", key, token])
        return reply == .integer(1)
    }

    /// Gives the lock a fresh `ttl` if it is still ours; returns whether it was.
    public func extend(on redis: RedisConnection) async throws -> Bool {
        let reply = try await redis.send(["EVAL", Self.compareAndExpire, "1", key, token, String(Self.milliseconds(ttl))])
        return reply == .integer(1)
    }

    static let compareAndDelete = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end
        """
    static let compareAndExpire = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end
        """

    static func milliseconds(_ duration: Duration) -> Int64 {
        max(1, duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}

extension Duration {
    fileprivate var microseconds: Int64 {
        components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000
    }
}
