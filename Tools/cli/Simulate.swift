import ArgumentParser
import Foundation
import TasksAPI

/// `orchestrator simulate`: a team of employees who take what they are offered over their
/// WebSockets, and an admin creating work at a steady rate; at the end, what happened to every
/// task — seen by the employees and cross-checked through the admin API. Every request rides out
/// a service restarting behind the edge, so the simulation can run through a crash drill.
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
    @Option(help: "Stop creating (and drain) as soon as this file exists; --tasks is then the most created.")
    var stopFile: String?
    @Option(help: "Write every task's times and fate (JSON) to this file, for drills that attribute them.")
    var timeline: String?
    @Flag(help: "Also watch the admin's live feed and report how long each employee action takes to show on it.")
    var adminWatching = false

    /// Creations in flight at once: at a high rate one slow answer must not hold back the next.
    static let concurrentCreations = 128

    func validate() throws {
        guard employees >= 1, tasks >= 1, rate > 0, (0...1).contains(failureRate), minHandling >= 0, maxHandling >= minHandling, drain >= 0
        else { throw ValidationError("need employees ≥ 1, tasks ≥ 1, rate > 0, failure rate 0–1, 0 ≤ min ≤ max handling, drain ≥ 0") }
    }

    func run() async throws {
        try await running {
            // Simulations may outlast a token: every session renews its own.
            let admin = try options.client().renewing()
            let run = String(UUID().uuidString.prefix(6).lowercased())
            let skills = ["billing", "support", "french"]
            Self.log("registering \(employees) employees (run \(run))")
            let team = try await register(run: run, skills: skills, admin: admin)
            let ledger = Ledger()
            let behaviour = Behaviour(failureRate: failureRate, handling: minHandling...maxHandling)
            let connections = Task {
                await withTaskGroup(of: Void.self) { group in
                    for employee in team {
                        group.addTask { await employee.work(ledger: ledger, behaviour: behaviour) }
                    }
                }
            }
            // The admin's feed, as an admin's open dashboard: when each employee action shows on it.
            let watcher = Task { [adminWatching, url = options.url] in
                guard adminWatching else { return }
                await FeedFollower(socketURL: FeedFollower.socketURL(of: url), client: admin).follow { frame in
                    guard frame.type.hasPrefix("task."), let taskId = frame.data.taskId else { return }
                    await ledger.adminSaw(frame.type, of: taskId, at: Date())
                }
            }
            try await awaitOnline(team, admin: admin)
            let ticker = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    let counts = await ledger.counts
                    Self.log("created \(counts.created), completed \(counts.completed), failed \(counts.failed), open \(counts.open)")
                }
            }
            Self.log("creating \(stopFile == nil ? "" : "up to ")\(tasks) tasks at \(rate)/s")
            let started = Date()
            try await create(run: run, skills: skills, admin: admin, ledger: ledger, started: started)
            let createdAll = Date()
            while Date().timeIntervalSince(createdAll) < drain, await ledger.open > 0 {
                try await Task.sleep(for: .milliseconds(100))
            }
            let finished = Date()
            // Benchmarks read the work's own cost between this line and "creating …".
            Self.log("all tasks ended or the drain is over; checking the results")
            // The admin's feed shows an action a few milliseconds after the employee's own answer:
            // it gets up to two seconds to show those already taken before it is closed (an
            // action the server refused never shows).
            let closing = Date()
            while adminWatching, Date().timeIntervalSince(closing) < 2, await ledger.awaitingAdmin > 0 {
                try await Task.sleep(for: .milliseconds(20))
            }
            ticker.cancel()
            connections.cancel()
            watcher.cancel()
            await connections.value
            await watcher.value
            let report = try await Report.make(
                ledger: ledger, admin: admin, team: team, seconds: finished.timeIntervalSince(started)
            )
            if let timeline {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                try encoder.encode(report.timeline).write(to: URL(fileURLWithPath: timeline))
            }
            options.json ? Output.json(encoding: report.summary) : report.print()
            if report.lost > 0 || report.duplicated > 0 || !report.disagreements.isEmpty { throw ExitCode(1) }
        }
    }

    /// Registers the team, four at a time (each registration and login hashes a password).
    private func register(run: String, skills: [String], admin: APIClient) async throws -> [SimulatedEmployee] {
        let url = options.url
        let count = employees
        return try await withThrowingTaskGroup(of: (Int, SimulatedEmployee).self) { group in
            var team: [(Int, SimulatedEmployee)] = []
            for index in 0..<count {
                if index >= 4, let done = try await group.next() { team.append(done) }
                group.addTask {
                    (index, try await SimulatedEmployee.register(index: index, run: run, skills: skills, admin: admin, url: url))
                }
            }
            for try await done in group { team.append(done) }
            return team.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// Waits until the scheduler sees every employee online, so the first tasks have somewhere to go.
    private func awaitOnline(_ team: [SimulatedEmployee], admin: APIClient) async throws {
        let wanted = Set(team.map(\.id))
        let deadline = Date().addingTimeInterval(30)
        while true {
            let page = try await PersistentRequests().answer { try await admin.scheduler.listEmployees().ok.body.json }
            let online = page.items.filter(\.online).compactMap { UUID(uuidString: $0.id) }
            let missing = wanted.subtracting(online).count
            if missing == 0 { return }
            guard Date() < deadline else {
                throw CLIError(message: "the scheduler saw \(missing) of \(wanted.count) employees offline after 30 s", exitCode: 1)
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Creates the tasks at the rate, each with an idempotency key so a retried creation never
    /// makes a second task.
    private func create(run: String, skills: [String], admin: APIClient, ledger: Ledger, started: Date) async throws {
        let (count, rate, stopFile) = (tasks, rate, stopFile)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var inFlight = 0
            for index in 0..<count {
                let due = started.addingTimeInterval(Double(index) / rate)
                if due > Date() { try await Task.sleep(for: .seconds(due.timeIntervalSinceNow)) }
                if let stopFile, FileManager.default.fileExists(atPath: stopFile) {
                    Self.log("stopped creating after \(index) tasks (\(stopFile) exists)")
                    break
                }
                if inFlight >= Self.concurrentCreations {
                    try await group.next()
                    inFlight -= 1
                }
                inFlight += 1
                group.addTask {
                    let required = index % 3 == 0 ? [] : [skills[index % skills.count]]
                    let priority = 1 + index % 5
                    let requested = Date()  // create → notified is measured from the first request
                    let body = TasksAPI.Components.Schemas.CreateTask(
                        description: "simulated", name: "sim \(run) \(index)", priority: priority, requiredSkills: required
                    )
                    // A retried creation answers 200 with the task the first one made (same key).
                    let created = try await PersistentRequests().answer {
                        switch try await admin.tasks.createTask(headers: .init(idempotencyKey: "sim-\(run)-\(index)"), body: .json(body)) {
                        case .ok(let repeated): try repeated.body.json
                        case let other: try other.created.body.json
                        }
                    }
                    guard let taskId = UUID(uuidString: created.id) else {
                        throw CLIError(message: "the server created a task with the id \(created.id)", exitCode: 1)
                    }
                    await ledger.created(taskId, priority: priority, at: requested)
                }
            }
            try await group.waitForAll()
        }
    }

    static func log(_ line: String) {
        FileHandle.standardError.write(Data("simulate: \(line)\n".utf8))
    }
}
