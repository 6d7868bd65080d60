import Foundation
import HummingbirdWSClient
import Logging
import Synchronization

/// How the simulated employees behave.
struct Behaviour: Sendable {
    var failureRate: Double
    /// Seconds.
    var handling: ClosedRange<Double>

    func handlingTime() -> Duration { .milliseconds(Int64(Double.random(in: handling) * 1_000)) }
}

/// One simulated employee: an account with skills and a capacity, and its session.
struct SimulatedEmployee: Sendable {
    let id: UUID
    let capacity: Int
    let client: APIClient
    let socketURL: String
    /// The last cursor this employee's socket delivered: a reconnection resumes after it.
    private let cursor = Cursor()
    private let requests = PersistentRequests()

    final class Cursor: Sendable {
        let value = Mutex<Int64?>(nil)
    }

    static func register(index: Int, run: String, skills: [String], admin: APIClient, url: String) async throws -> SimulatedEmployee {
        let requests = PersistentRequests()
        let username = "sim-\(run)-\(index)"
        let password = "simulated \(UUID().uuidString)"
        let user = try await requests.answer(
            admin, "POST", "api/auth/register",
            body: ["username": username, "password": password, "fullName": "Simulated \(index)", "email": "\(username)@example.com"]
        )
        guard let text = (user as? [String: Any])?["id"] as? String, let id = UUID(uuidString: text) else {
            throw CLIError(message: "registration answered without an id", exitCode: 1)
        }
        let capacity = 1 + index % 3
        let held = [skills[index % skills.count], skills[(index + 1) % skills.count]]
        try await requests.answer(admin, "PATCH", "api/auth/users/\(id)", body: ["skills": held, "capacity": capacity])
        let session = try await requests.answer(admin, "POST", "api/auth/login", body: ["username": username, "password": password])
        guard let token = (session as? [String: Any])?["token"] as? String else { throw CLIError(message: "login answered without a token", exitCode: 1) }
        var socket = url.hasPrefix("https") ? "wss" + url.dropFirst(5) : "ws" + url.dropFirst(4)
        if socket.hasSuffix("/") { socket.removeLast() }
        return SimulatedEmployee(id: id, capacity: capacity, client: try APIClient(url: url, token: token).renewing(), socketURL: "\(socket)/ws")
    }

    /// Holds the WebSocket open and handles every offer, until cancelled; after a drop it
    /// reconnects with its cursor, so it misses nothing. Work in hand goes on while the socket
    /// is down, as a person's would.
    func work(ledger: Ledger, behaviour: Behaviour) async {
        let (offers, sink) = AsyncStream.makeStream(of: UUID.self)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await listen(ledger: ledger, offers: sink)
                sink.finish()
            }
            for await taskId in offers {
                group.addTask { await handle(taskId, ledger: ledger, behaviour: behaviour) }
            }
        }
    }

    /// The socket: every new offer to this employee goes to `offers`.
    private func listen(ledger: Ledger, offers: AsyncStream<UUID>.Continuation) async {
        var logger = Logger(label: "simulate")
        logger.logLevel = .critical
        while !Task.isCancelled {
            let url = socketURL + (cursor.value.withLock { $0 }.map { "?after=\($0)" } ?? "")
            // The token goes in the upgrade's Authorization header, never in the URL (which logs keep);
            // a fresh one after the server closed the socket because the last one expired.
            let token = await client.currentToken() ?? ""
            let configuration = WebSocketClientConfiguration(additionalHeaders: [.authorization: "Bearer \(token)"])
            _ = try? await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) { inbound, _, _ in
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    guard case .text(let text) = message,
                          let event = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
                    else { continue }
                    if let position = (event["cursor"] as? NSNumber)?.int64Value { cursor.value.withLock { $0 = position } }
                    if isSetAway(event) {
                        // An offer that reached us too late expired and the scheduler set us
                        // Away; a person at their desk would say they are available again.
                        _ = try? await requests.send(client, "PUT", "api/scheduler/me/availability", body: ["availability": "AVAILABLE"])
                        continue
                    }
                    guard event["type"] as? String == "task.assigned",
                          let data = event["data"] as? [String: Any],
                          (data["assigneeId"] as? String).flatMap(UUID.init(uuidString:)) == id,
                          let taskId = (data["taskId"] as? String).flatMap(UUID.init(uuidString:))
                    else { continue }
                    if await ledger.offered(taskId, to: id, at: Date()) { offers.yield(taskId) }
                }
            }
            try? await Task.sleep(for: .milliseconds(250))  // reconnect after a drop
        }
    }

    /// Whether `event` says the scheduler set this employee Away (an expired offer).
    private func isSetAway(_ event: [String: Any]) -> Bool {
        guard event["type"] as? String == "employee.availability_changed", let data = event["data"] as? [String: Any] else { return false }
        return (data["employeeId"] as? String).flatMap(UUID.init(uuidString:)) == id && data["availability"] as? String == "AWAY"
    }

    /// Accepts, reports progress, then completes or fails the task. Requests ride out restarts;
    /// a refusal that is the echo of an earlier attempt's success (the task already in the state
    /// the request asked for, by this employee) counts as that success.
    private func handle(_ taskId: UUID, ledger: Ledger, behaviour: Behaviour) async {
        let path = "api/employee/tasks/\(taskId)"
        do {
            if case .refused(let error, _) = try await requests.send(client, "POST", "\(path)/accept", body: [:]),
               error.details["status"] != "IN_PROGRESS" {
                return await ledger.released(taskId, by: id, reason: error.message)
            }
            try await Task.sleep(for: behaviour.handlingTime() / 2)
            if case .refused(let error, _) = try await requests.send(client, "POST", "\(path)/progress", body: ["progress": 50, "note": "halfway"]) {
                return await ledger.released(taskId, by: id, reason: error.message)
            }
            try await Task.sleep(for: behaviour.handlingTime() / 2)
            if Double.random(in: 0..<1) < behaviour.failureRate {
                switch try await requests.send(client, "POST", "\(path)/fail", body: ["message": "simulated failure"]) {
                case .answered(let task):
                    await ledger.failed(taskId, by: id, final: (task as? [String: Any])?["status"] as? String == "FAILED")
                case .refused(let error, _) where error.details["status"] == "FAILED":
                    await ledger.failed(taskId, by: id, final: true)
                case .refused(let error, let ambiguous) where ambiguous && error.status == 403:
                    // Our failure landed and the task went back to the queue, no longer ours.
                    await ledger.failed(taskId, by: id, final: false)
                case .refused(let error, _):
                    await ledger.released(taskId, by: id, reason: error.message)
                }
            } else {
                switch try await requests.send(client, "POST", "\(path)/complete", body: ["message": "simulated success"]) {
                case .answered:
                    await ledger.completed(taskId, by: id)
                case .refused(let error, _) where error.details["status"] == "COMPLETED":
                    await ledger.completed(taskId, by: id)
                case .refused(let error, _):
                    await ledger.released(taskId, by: id, reason: error.message)
                }
            }
        } catch {
            await ledger.released(taskId, by: id, reason: "\(error)")
        }
    }
}
