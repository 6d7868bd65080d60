import Foundation
import Logging
import Synchronization
import Testing

@testable import KeyValueStore

@Suite(.enabled(if: ProcessInfo.processInfo.environment["ORCH_TEST_REDIS_URL"] != nil, "needs ORCH_TEST_REDIS_URL"))
struct RedisLockTests {
    let url = try! RedisURL(parsing: ProcessInfo.processInfo.environment["ORCH_TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379")
    let logger = Logger(label: "lock-test")

    func key() -> String { "test:lock:\(UUID())" }

    @Test func onlyOneHolderAtATime() async throws {
        let key = key()
        let first = RedisConnection(url: url, logger: logger)
        let second = RedisConnection(url: url, logger: logger)
        let lock = try #require(try await RedisLock.acquire(key, ttl: .seconds(5), on: first))
        #expect(try await RedisLock.acquire(key, ttl: .seconds(5), on: second) == nil)
        #expect(try await lock.release(on: first))
        #expect(try await RedisLock.acquire(key, ttl: .seconds(5), on: second) != nil)
    }

    @Test func manyKeysAreTriedInOneGoAndTheHeldOnesLeftOut() async throws {
        let redis = RedisConnection(url: url, logger: logger)
        let (free1, free2, taken) = (key(), key(), key())
        let other = try #require(try await RedisLock.acquire(taken, ttl: .seconds(5), on: redis))
        let acquired = try await RedisLock.acquire([free1, taken, free2, free1], ttl: .seconds(5), on: redis)
        #expect(Set(acquired.keys) == [free1, free2])
        #expect(try await RedisLock.acquire(free1, ttl: .seconds(5), on: redis) == nil)
        try await RedisLock.release(Array(acquired.values) + [RedisLock(key: taken, token: "not-ours", ttl: .seconds(5))], on: redis)
        #expect(try await RedisLock.acquire(free1, ttl: .seconds(5), on: redis) != nil)
        #expect(try await RedisLock.acquire(free2, ttl: .seconds(5), on: redis) != nil)
        // A release with someone else's token leaves their lock alone.
        #expect(try await RedisLock.acquire(taken, ttl: .seconds(5), on: redis) == nil)
        #expect(try await other.release(on: redis))
    }

    final class Tally: Sendable {
        struct Counts { var inside = 0, overlaps = 0, entries = 0 }
        let counts = Mutex(Counts())
        func enter() {
            counts.withLock {
                $0.inside += 1
                $0.entries += 1
                if $0.inside > 1 { $0.overlaps += 1 }
            }
        }
        func leave() { counts.withLock { $0.inside -= 1 } }
    }

    @Test func contendersAreNeverInsideTogether() async throws {
        let key = key()
        let tally = Tally()
        let url = url, logger = logger
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    // Each contender has its own connection, as separate processes would.
                    let redis = RedisConnection(url: url, logger: logger)
                    for _ in 0..<25 {
                        guard let lock = try await RedisLock.acquire(key, ttl: .seconds(5), waitingUpTo: .seconds(10), on: redis) else {
                            Issue.record("could not acquire within the wait")
                            return
                        }
                        tally.enter()
                        try await Task.sleep(for: .microseconds(200))
                        tally.leave()
                        #expect(try await lock.release(on: redis))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(tally.counts.withLock { $0.entries } == 100)
        #expect(tally.counts.withLock { $0.overlaps } == 0)
    }

    @Test func theTimeToLiveFreesAnAbandonedLock() async throws {
        let key = key()
        let redis = RedisConnection(url: url, logger: logger)
        _ = try #require(try await RedisLock.acquire(key, ttl: .seconds(1), on: redis))
        #expect(try await RedisLock.acquire(key, ttl: .seconds(5), on: redis) == nil)
        let later = try await RedisLock.acquire(key, ttl: .seconds(5), waitingUpTo: .seconds(10), on: redis)
        #expect(later != nil)
    }

    @Test func aStaleHolderCanNeitherReleaseNorExtendTheNewHoldersLock() async throws {
        let key = key()
        let redis = RedisConnection(url: url, logger: logger)
        let stale = try #require(try await RedisLock.acquire(key, ttl: .milliseconds(100), on: redis))
        try await Task.sleep(for: .milliseconds(250))
        let current = try #require(try await RedisLock.acquire(key, ttl: .seconds(5), on: redis))
        #expect(try await stale.release(on: redis) == false)
        #expect(try await stale.extend(on: redis) == false)
        #expect(try await redis.send(["GET", key]) == .string(current.token))
        #expect(try await current.release(on: redis))
    }

    /// Time is simulated by shortening the key's expiry, never by sleeping against a short TTL:
    /// a slow or busy machine must not decide the outcome.
    @Test func extendKeepsTheLockAlive() async throws {
        let key = key()
        let redis = RedisConnection(url: url, logger: logger)
        let lock = try #require(try await RedisLock.acquire(key, ttl: .seconds(30), on: redis))
        for _ in 0..<3 {
            #expect(try await redis.send(["PEXPIRE", key, "1000"]) == .integer(1))
            #expect(try await lock.extend(on: redis))
            guard case .integer(let left) = try await redis.send(["PTTL", key]) else {
                Issue.record("PTTL gave no integer"); return
            }
            #expect(left > 10_000, "extend restores the lock's whole TTL, not what was left")
        }
        #expect(try await RedisLock.acquire(key, ttl: .seconds(1), on: redis) == nil)
        #expect(try await lock.release(on: redis))
    }
}
