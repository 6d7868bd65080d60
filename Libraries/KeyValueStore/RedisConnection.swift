import CHiredis
import Dispatch
import Logging
import Resilience
import Synchronization

/// One connection to Redis through hiredis' blocking API.
///
/// hiredis contexts are not thread-safe and block, so every call runs on this connection's own
/// serial dispatch queue — never on Swift's cooperative pool. A broken connection is dropped and
/// the next command connects again, so the client recovers by itself after a Redis restart.
public final class RedisConnection: Sendable {
    private let url: RedisURL
    private let timeout: Duration
    private let queue: DispatchQueue
    private let logger: Logger
    /// Touched only on `queue`.
    private nonisolated(unsafe) var context: UnsafeMutablePointer<redisContext>?

    public init(url: RedisURL, timeout: Duration = .seconds(2), label: String = "redis", logger: Logger) {
        self.url = url
        self.timeout = timeout
        self.queue = DispatchQueue(label: "orchestrator.\(label)")
        self.logger = logger
    }

    deinit {
        if let context { redisFree(context) }
    }

    /// Sends one command, e.g. `["SET", key, value, "NX", "PX", "5000"]`.
    /// An error reply from the server is thrown as ``RedisError/server(_:)``.
    @discardableResult
    public func send(_ arguments: [String]) async throws -> RedisReply {
        let reply = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<RedisReply, any Error>) in
            queue.async {
                continuation.resume(with: Result { try self.sendOnQueue(arguments) })
            }
        }
        if case .error(let message) = reply { throw RedisError.server(message) }
        return reply
    }

    /// Sends several commands in one round trip (a pipeline) and returns their replies in order.
    /// Error replies are returned, not thrown, so each command's outcome can be read.
    public func pipeline(_ commands: [[String]]) async throws -> [RedisReply] {
        guard !commands.isEmpty else { return [] }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[RedisReply], any Error>) in
            queue.async {
                continuation.resume(with: Result { try self.pipelineOnQueue(commands) })
            }
        }
    }

    /// Up when the server answers `PING`.
    public func probe() async -> DependencyHealth {
        do {
            let reply = try await send(["PING"])
            return reply.text == "PONG" ? .up : .down(reason: "unexpected reply to PING")
        } catch {
            return .down(reason: String(describing: error))
        }
    }

    private func sendOnQueue(_ arguments: [String]) throws -> RedisReply {
        let context = try connectedContext()
        let raw = withArgv(arguments) { argc, argv, lengths in redisCommandArgv(context, argc, argv, lengths) }
        guard let raw else {
            let message = errorText(context)
            dropConnection()
            throw RedisError.connection(message)
        }
        defer { freeReplyObject(raw) }
        return RedisReply(raw.assumingMemoryBound(to: redisReply.self))
    }

    private func pipelineOnQueue(_ commands: [[String]]) throws -> [RedisReply] {
        let context = try connectedContext()
        for arguments in commands {
            let status = withArgv(arguments) { argc, argv, lengths in redisAppendCommandArgv(context, argc, argv, lengths) }
            guard status == REDIS_OK else {
                let message = errorText(context)
                dropConnection()
                throw RedisError.connection(message)
            }
        }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else {
                let message = errorText(context)
                dropConnection()
                throw RedisError.connection(message)
            }
            defer { freeReplyObject(raw) }
            replies.append(RedisReply(raw.assumingMemoryBound(to: redisReply.self)))
        }
        return replies
    }

    private func connectedContext() throws -> UnsafeMutablePointer<redisContext> {
        if let context { return context }
        guard let fresh = redisConnectWithTimeout(url.host, Int32(url.port), timeout.timeval) else {
            throw RedisError.connection("cannot allocate a context")
        }
        guard fresh.pointee.err == 0 else {
            let message = errorText(fresh)
            redisFree(fresh)
            throw RedisError.connection(message)
        }
        redisSetTimeout(fresh, timeout.timeval)
        context = fresh
        logger.info("connected to redis", metadata: ["redis.host": "\(url.host)", "redis.port": "\(url.port)"])
        if let password = url.password { try handshake(["AUTH"] + (url.user.map { [$0] } ?? []) + [password]) }
        if url.database != 0 { try handshake(["SELECT", String(url.database)]) }
        return fresh
    }

    private func handshake(_ arguments: [String]) throws {
        if case .error(let message) = try sendOnQueue(arguments) {
            dropConnection()
            throw RedisError.connection(message)
        }
    }

    private func dropConnection() {
        guard let context else { return }
        redisFree(context)
        self.context = nil
    }

    private func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { bytes in
            String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }
}

/// Calls `body` with C views of `arguments`, valid for the duration of the call.
private func withArgv<R>(
    _ arguments: [String], _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R
) -> R {
    let buffers = arguments.map { Array($0.utf8CString) }
    let lengths = arguments.map { $0.utf8.count }
    var pointers: [UnsafePointer<CChar>?] = []
    func nest(_ index: Int) -> R {
        guard index < buffers.count else {
            return pointers.withUnsafeMutableBufferPointer { argv in
                lengths.withUnsafeBufferPointer { body(Int32(arguments.count), argv.baseAddress!, $0.baseAddress!) }
            }
        }
        return buffers[index].withUnsafeBufferPointer { buffer in
            pointers.append(buffer.baseAddress)
            return nest(index + 1)
        }
    }
    return nest(0)
}
