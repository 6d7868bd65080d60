import Foundation
import KeyValueStore
import Logging
import Resilience
import Testing

@Suite(.enabled(if: ProcessInfo.processInfo.environment["ORCH_TEST_REDIS_URL"] != nil, "needs ORCH_TEST_REDIS_URL"))
struct RedisConnectionTests {
    let url = try! RedisURL(parsing: ProcessInfo.processInfo.environment["ORCH_TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379")
    let logger = Logger(label: "redis-test")

    @Test func storesAndReadsBackBinarySafeValues() async throws {
        let redis = RedisConnection(url: url, logger: logger)
        let key = "test:\(UUID())"
        let value = "with space\nand newline, ünïcode"
        #expect(try await redis.send(["SET", key, value, "PX", "10000"]) == .status("OK"))
        #expect(try await redis.send(["GET", key]) == .string(value))
        #expect(try await redis.send(["DEL", key]) == .integer(1))
        #expect(try await redis.send(["GET", key]) == .null)
        #expect(await redis.probe() == .up)
    }

    /// With a user in its address the connection signs in as that ACL user, and the server holds
    /// it to what the user may do (docs/security.md, "Between the services").
    @Test func anACLUserIsHeldToItsKeysAndCommands() async throws {
        let admin = RedisConnection(url: url, logger: logger)
        let user = "test-\(UUID().uuidString.prefix(8))"
        #expect(
            try await admin.send(["ACL", "SETUSER", user, "on", ">pw-\(user)", "~test:acl:*", "-@all", "+get", "+set"]) == .status("OK"))
        var own = url
        own.user = user
        own.password = "pw-\(user)"
        let limited = RedisConnection(url: own, logger: logger)
        #expect(try await limited.send(["SET", "test:acl:\(user)", "1", "PX", "10000"]) == .status("OK"))
        for refused in [["GET", "scheduler:lock:task:1"], ["DEL", "test:acl:\(user)"], ["FLUSHALL"], ["KEYS", "*"]] {
            guard case .error(let message) = try await limited.pipeline([refused])[0] else {
                Issue.record("\(refused) was not refused")
                continue
            }
            #expect(message.hasPrefix("NOPERM"), "\(refused): \(message)")
        }
        var wrong = own
        wrong.password = "not the password"
        await #expect(throws: (any Error).self) { try await RedisConnection(url: wrong, logger: logger).send(["GET", "test:acl:x"]) }
        #expect(try await admin.send(["ACL", "DELUSER", user]) == .integer(1))
    }

    @Test func aPipelineAnswersEveryCommandInOrderInOneRoundTrip() async throws {
        let redis = RedisConnection(url: url, logger: logger)
        let key = "test:pipeline:\(UUID().uuidString)"
        var commands = (1...300).map { ["RPUSH", key, String($0)] }
        commands.append(["NO-SUCH-COMMAND"])
        commands.append(["LRANGE", key, "0", "1"])
        let replies = try await redis.pipeline(commands)
        #expect(replies.count == 302)
        #expect(replies[0] == .integer(1))
        #expect(replies[299] == .integer(300))
        guard case .error = replies[300] else {
            Issue.record("an error reply is returned in its place, not thrown: \(replies[300])")
            return
        }
        #expect(replies[301] == .array([.string("1"), .string("2")]))
        #expect(try await redis.pipeline([]) == [])
        try await redis.send(["DEL", key])
    }

    @Test func errorRepliesAreThrown() async throws {
        let redis = RedisConnection(url: url, logger: logger)
        await #expect(throws: RedisError.self) { try await redis.send(["NO-SUCH-COMMAND"]) }
        // The connection is still usable afterwards.
        #expect(try await redis.send(["PING"]) == .status("PONG"))
    }

    @Test func reconnectsByItselfAfterTheServerDropsTheConnection() async throws {
        let redis = RedisConnection(url: url, logger: logger)
        let admin = RedisConnection(url: url, logger: logger)
        let name = "victim-\(UUID().uuidString.prefix(8))"
        _ = try await redis.send(["CLIENT", "SETNAME", name])
        let clients = try await admin.send(["CLIENT", "LIST"]).text ?? ""
        let id = try #require(
            clients.split(separator: "\n").first { $0.contains("name=\(name)") }?
                .split(separator: " ").first { $0.hasPrefix("id=") }?.dropFirst(3))
        #expect(try await admin.send(["CLIENT", "KILL", "ID", String(id)]) == .integer(1))
        // The first command notices the broken connection; the next one reconnects.
        _ = try? await redis.send(["PING"])
        #expect(try await redis.send(["PING"]) == .status("PONG"))
    }

    @Test func aServerThatIsDownIsReportedNotHung() async throws {
        let redis = RedisConnection(url: RedisURL(host: "127.0.0.1", port: 1), timeout: .seconds(1), logger: logger)
        let started = ContinuousClock.now
        guard case .down = await redis.probe() else {
            Issue.record("expected down")
            return
        }
        #expect(ContinuousClock.now - started < .seconds(3))
    }
}
