import ArgumentParser
import Foundation
import HummingbirdWSClient
import Logging

/// `orchestrator simulate`: a team of employees who take what they are offered over their
/// WebSockets, and an admin creating work at a steady rate; at the end, what happened to every
/// task — seen by the employees and cross-checked through the admin API.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run employees and an admin against the stack and report lost, duplicated, latency and fairness.",
        discussion: "Needs an admin login (`orchestrator login`). Creates users named sim-<run>-<n>."
    )

    @OptionGroup var options: GlobalOptions
    @Option(help: "Employees to register and connect.") var employees = 10
    @Option(help: "Tasks to create.") var tasks = 100
    @Option(help: "Tasks created per second.") var rate = 10.0
    @Option(help: "Share of tasks an employee fails (0–1).") var failureRate = 0.1
    @Option(help: "Shortest handling time, in seconds.") var minHandling = 0.05
    @Option(help: "Longest handling time, in seconds.") var maxHandling = 0.3
    @Option(help: "Seconds to wait, after the last task is created, for every task to end.") var drain = 60.0

    func validate() throws {
        guard employees >= 1, tasks >= 1, rate > 0, (0...1).contains(failureRate), minHandling >= 0, maxHandling >= minHandling, drain >= 0
        else { throw ValidationError("need employees ≥ 1, tasks ≥ 1, rate > 0, failure rate 0–1, 0 ≤ min ≤ max handling, drain ≥ 0") }
    }

    func run() async throws {
        try await running {
            let admin = try options.client()
            let run = UUID().uuidString.prefix(6).lowercased()
            let skills = ["billing", "support", "french"]
            log("registering \(employees) employees (run \(run))")
            var team: [SimulatedEmployee] = []
            for index in 0..<employees {
                team.append(try await SimulatedEmployee.register(index: index, run: String(run), skills: skills, admin: admin, url: options.url))
            }
            let ledger = Ledger()
            let crew = team
            let behaviour = Behaviour(failureRate: failureRate, handling: minHandling...maxHandling)
            let connections = Task {
                await withTaskGroup(of: Void.self) { group in
                    for employee in crew {
                        group.addTask { await employee.work(ledger: ledger, behaviour: behaviour) }
                    }
                }
            }
            try await Task.sleep(for: .seconds(2))  // everyone online before the first task
            log("creating \(tasks) tasks at \(rate)/s")
            let started = Date()
            for index in 0..<tasks {
                let due = started.addingTimeInterval(Double(index) / rate)
                if due > Date() { try await Task.sleep(for: .seconds(due.timeIntervalSinceNow)) }
                let required = index % 3 == 0 ? [] : [skills[index % skills.count]]
                let priority = 1 + index % 5
                let requested = Date()  // create → notified is measured from the request
                let created = try await admin.send(
                    "POST", "api/admin/tasks",
                    body: ["name": "sim \(run) \(index)", "description": "simulated", "priority": priority, "requiredSkills": required]
                )
                guard let id = (created as? [String: Any])?["id"] as? String, let taskId = UUID(uuidString: id) else {
                    throw CLIError(message: "the server created a task without an id", exitCode: 1)
                }
                await ledger.created(taskId, priority: priority, at: requested)
                if index % max(1, Int(rate)) == 0 { await progress(ledger) }
            }
            let createdAll = Date()
            while Date().timeIntervalSince(createdAll) < drain, await ledger.open > 0 {
                try await Task.sleep(for: .seconds(1))
                await progress(ledger)
            }
            let finished = Date()
            connections.cancel()
            await connections.value
            let report = try await Report.make(
                ledger: ledger, admin: admin, team: team, seconds: finished.timeIntervalSince(started)
            )
            options.json ? Output.json(report.json) : report.print()
            if report.lost > 0 || report.duplicated > 0 || !report.disagreements.isEmpty { throw ExitCode(1) }
        }
    }

    func progress(_ ledger: Ledger) async {
        let counts = await ledger.counts
        log("created \(counts.created), completed \(counts.completed), failed \(counts.failed), open \(counts.open)")
    }

    func log(_ line: String) {
        FileHandle.standardError.write(Data("simulate: \(line)\n".utf8))
    }

}

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

    static func register(index: Int, run: String, skills: [String], admin: APIClient, url: String) async throws -> SimulatedEmployee {
        let username = "sim-\(run)-\(index)"
        let password = "simulated \(UUID().uuidString)"
        let user = try await admin.send(
            "POST", "api/auth/register",
            body: ["username": username, "password": password, "fullName": "Simulated \(index)", "email": "\(username)@example.com"],
            authenticated: false
        )
        guard let text = (user as? [String: Any])?["id"] as? String, let id = UUID(uuidString: text) else {
            throw CLIError(message: "registration answered without an id", exitCode: 1)
        }
        let capacity = 1 + index % 3
        let held = [skills[index % skills.count], skills[(index + 1) % skills.count]]
        try await admin.send("PATCH", "api/auth/users/\(id)", body: ["skills": held, "capacity": capacity])
        let session = try await admin.send("POST", "api/auth/login", body: ["username": username, "password": password], authenticated: false)
        guard let token = (session as? [String: Any])?["token"] as? String else { throw CLIError(message: "login answered without a token", exitCode: 1) }
        var socket = url.hasPrefix("https") ? "wss" + url.dropFirst(5) : "ws" + url.dropFirst(4)
        if socket.hasSuffix("/") { socket.removeLast() }
        return SimulatedEmployee(id: id, capacity: capacity, client: try APIClient(url: url, token: token), socketURL: "\(socket)/ws?token=\(token)")
    }

    /// Holds the WebSocket open and handles every offer, until cancelled.
    func work(ledger: Ledger, behaviour: Behaviour) async {
        var logger = Logger(label: "simulate")
        logger.logLevel = .critical
        while !Task.isCancelled {
            _ = try? await WebSocketClient.connect(url: socketURL, logger: logger) { inbound, _, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .text(let text) = message,
                              let event = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
                              event["type"] as? String == "task.assigned",
                              let data = event["data"] as? [String: Any],
                              (data["assigneeId"] as? String).flatMap(UUID.init(uuidString:)) == id,
                              let taskId = (data["taskId"] as? String).flatMap(UUID.init(uuidString:))
                        else { continue }
                        guard await ledger.offered(taskId, to: id, at: Date()) else { continue }
                        group.addTask { await handle(taskId, ledger: ledger, behaviour: behaviour) }
                    }
                    group.cancelAll()
                }
            }
            try? await Task.sleep(for: .milliseconds(500))  // reconnect after a drop
        }
    }

    private func handle(_ taskId: UUID, ledger: Ledger, behaviour: Behaviour) async {
        do {
            try await client.send("POST", "api/employee/tasks/\(taskId)/accept", body: [:])
            try await Task.sleep(for: behaviour.handlingTime() / 2)
            try await client.send("POST", "api/employee/tasks/\(taskId)/progress", body: ["progress": 50, "note": "halfway"])
            try await Task.sleep(for: behaviour.handlingTime() / 2)
            if Double.random(in: 0..<1) < behaviour.failureRate {
                let task = try await client.send("POST", "api/employee/tasks/\(taskId)/fail", body: ["message": "simulated failure"])
                await ledger.failed(taskId, by: id, final: (task as? [String: Any])?["status"] as? String == "FAILED")
            } else {
                try await client.send("POST", "api/employee/tasks/\(taskId)/complete", body: ["message": "simulated success"])
                await ledger.completed(taskId, by: id)
            }
        } catch {
            await ledger.released(taskId, by: id, reason: "\(error)")
        }
    }
}
