import AuthAPI
import Foundation
import TasksAPI

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
    let feed: FeedFollower
    private let requests = PersistentRequests()

    init(id: UUID, capacity: Int, client: APIClient, socketURL: String) {
        (self.id, self.capacity, self.client) = (id, capacity, client)
        feed = FeedFollower(socketURL: socketURL, client: client)
    }

    static func register(index: Int, run: String, skills: [String], admin: APIClient, url: String) async throws -> SimulatedEmployee {
        let requests = PersistentRequests()
        let username = "sim-\(run)-\(index)"
        let password = "simulated \(UUID().uuidString)"
        let registration = AuthAPI.Components.Schemas.RegisterRequest(
            email: "\(username)@example.com", fullName: "Simulated \(index)", password: password, username: username
        )
        let user = try await requests.answer { try await admin.auth.register(body: .json(registration)).created.body.json }
        guard let id = UUID(uuidString: user.id) else {
            throw CLIError(message: "registration answered with the id \(user.id)", exitCode: 1)
        }
        let capacity = 1 + index % 3
        let held = [skills[index % skills.count], skills[(index + 1) % skills.count]]
        _ = try await requests.answer {
            try await admin.auth.updateUser(path: .init(id: user.id), body: .json(.init(capacity: capacity, skills: held))).ok.body.json
        }
        let token = try await requests.answer {
            try await admin.auth.login(body: .json(.init(password: password, username: username))).ok.body.json.token
        }
        return SimulatedEmployee(
            id: id, capacity: capacity, client: try APIClient(url: url, token: token).renewing(),
            socketURL: FeedFollower.socketURL(of: url))
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
        await feed.follow { frame in
            if frame.type == "employee.availability_changed", frame.data.employeeId == id, frame.data.availability == "AWAY" {
                // An offer that reached us too late expired and the scheduler set us
                // Away; a person at their desk would say they are available again.
                _ = try? await requests.send {
                    try await client.scheduler.setAvailability(body: .json(.init(availability: .available))).ok.body.json
                }
                return
            }
            guard frame.type == "task.assigned", frame.data.assigneeId == id, let taskId = frame.data.taskId else { return }
            if await ledger.offered(taskId, to: id, at: Date()) { offers.yield(taskId) }
        }
    }

    /// Accepts, reports progress, then completes or fails the task. Requests ride out restarts;
    /// a refusal that is the echo of an earlier attempt's success (the task already in the state
    /// the request asked for, by this employee) counts as that success.
    private func handle(_ taskId: UUID, ledger: Ledger, behaviour: Behaviour) async {
        let (tasks, path) = (client.tasks, TasksAPI.Operations.AcceptTask.Input.Path(id: taskId.uuidString))
        do {
            await ledger.acting(.accept, on: taskId)
            if case .refused(let error, _) = try await requests.send({ try await tasks.acceptTask(path: path).ok.body.json }),
                error.details["status"] != "IN_PROGRESS"
            {
                return await ledger.released(taskId, by: id, reason: error.message)
            }
            try await Task.sleep(for: behaviour.handlingTime() / 2)
            let progress = TasksAPI.Components.Schemas.Progress(note: "halfway", progress: 50)
            await ledger.acting(.progress, on: taskId)
            if case .refused(let error, _) = try await requests.send({
                try await tasks.reportProgress(path: .init(id: path.id), body: .json(progress)).ok.body.json
            }) {
                return await ledger.released(taskId, by: id, reason: error.message)
            }
            try await Task.sleep(for: behaviour.handlingTime() / 2)
            if Double.random(in: 0..<1) < behaviour.failureRate {
                await ledger.acting(.fail, on: taskId)
                switch try await requests.send({
                    try await tasks.failTask(path: .init(id: path.id), body: .json(.init(message: "simulated failure"))).ok.body.json
                }) {
                case .answered(let task):
                    await ledger.failed(taskId, by: id, final: task.status == .failed)
                case .refused(let error, _) where error.details["status"] == "FAILED":
                    await ledger.failed(taskId, by: id, final: true)
                case .refused(let error, let ambiguous) where ambiguous && error.status == 403:
                    // Our failure landed and the task went back to the queue, no longer ours.
                    await ledger.failed(taskId, by: id, final: false)
                case .refused(let error, _):
                    await ledger.released(taskId, by: id, reason: error.message)
                }
            } else {
                await ledger.acting(.complete, on: taskId)
                switch try await requests.send({
                    try await tasks.completeTask(path: .init(id: path.id), body: .json(.init(message: "simulated success"))).ok.body.json
                }) {
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
