import AnalyticsAPI
import ArgumentParser
import Foundation
import SchedulerAPI

struct Queue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Waiting tasks in the order they will be assigned (admin).")
    @OptionGroup var options: GlobalOptions
    @Option var limit = 50

    func run() async throws {
        try await running {
            let queue = try await options.client().scheduler.queue(query: .init(limit: limit)).ok.body.json
            if options.json { return Output.json(encoding: queue) }
            // Why each waits, in words, as the last column.
            Output.table(
                ["taskId", "name", "priority", "effectivePriority", "waitingSeconds", "requiredSkills", "waitingFor"],
                queue.items.map { entry in
                    [
                        entry.taskId, entry.name, String(entry.priority), String(entry.effectivePriority),
                        Output.number(entry.waitingSeconds),
                        Output.list(entry.requiredSkills), entry.waitingFor.text,
                    ]
                }
            )
            print("\(queue.total) waiting")
        }
    }
}

struct Employees: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The team: presence, availability, load and skills (admin).")
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await running {
            let team = try await options.client().scheduler.listEmployees().ok.body.json
            if options.json { return Output.json(encoding: team) }
            Output.table(
                ["id", "username", "online", "availability", "load", "capacity", "skills", "idleSince"],
                team.items.map { employee in
                    [
                        employee.id, employee.username, Output.yesNo(employee.online), employee.availability.rawValue,
                        String(employee.load),
                        String(employee.capacity), Output.list(employee.skills), Output.time(employee.idleSince),
                    ]
                }
            )
        }
    }
}

struct Workload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Who holds what, and for how long (admin).",
        discussion: "Every task offered or in progress, by who holds it: whoever has held work longest first.")
    @OptionGroup var options: GlobalOptions
    @Option(help: "At most this many tasks, the longest held (1–5000).") var limit = 1_000

    func run() async throws {
        try await running {
            let client = try options.client()
            let workload = try await client.tasks.workload(query: .init(limit: limit)).ok.body.json
            if options.json { return Output.json(encoding: workload) }
            let people = try await client.scheduler.listEmployees().ok.body.json.items
            let usernames = Dictionary(people.map { ($0.id.lowercased(), $0.username) }, uniquingKeysWith: { first, _ in first })
            let now = Date()
            Output.table(
                ["employee", "taskId", "name", "status", "progress", "heldFor", "workingFor", "dueAt"],
                workload.holders.flatMap { holder in
                    holder.tasks.map { task in
                        [
                            usernames[holder.employeeId.lowercased()] ?? holder.employeeId, task.id, task.name, task.status.rawValue,
                            "\(task.progress)%", Output.duration(now.timeIntervalSince(task.heldSince)),
                            task.acceptedAt.map { Output.duration(now.timeIntervalSince($0)) } ?? "-", Output.time(task.dueAt),
                        ]
                    }
                }
            )
            let shown = workload.holders.reduce(0) { $0 + $1.tasks.count }
            print(
                "\(workload.total) \(workload.total == 1 ? "task" : "tasks") held by \(workload.holders.count) "
                    + "\(workload.holders.count == 1 ? "person" : "people")"
                    + (workload.truncated ? " (the \(shown) held longest shown)" : ""))
        }
    }
}

struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The analytics overview (admin).")
    @OptionGroup var options: GlobalOptions
    @Option(help: "How far back: 15m, 1h, 24h, 7d (at most the retention, 8d by default).") var window = "1h"
    @Option(help: "Where the window ends, RFC 3339 (a past range); now when not given.") var to: String?

    func run() async throws {
        try await running {
            let end = try to.map { text in
                guard let date = Output.parseTime(text) else {
                    throw CLIError(message: "--to must be an RFC 3339 time, e.g. 2026-12-01T17:00:00Z, not \(text)", exitCode: 7)
                }
                return date
            }
            let figures = try await options.client().analytics.overview(query: .init(window: window, to: end)).ok.body.json
            if options.json { return Output.json(encoding: figures) }
            func pairs(_ counts: [String: Int]) -> String {
                counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            }
            func milliseconds(_ value: Double?) -> String { value.map(Output.number) ?? "-" }
            let rates = figures.perMinute
            print("window \(figures.window)")
            print("tasks by status:        \(pairs(figures.tasksByStatus.additionalProperties))")
            print("open tasks by priority: \(pairs(figures.openTasksByPriority.additionalProperties))")
            print(
                "per minute:             completed \(Output.number(rates.completed)), created \(Output.number(rates.created)), failed \(Output.number(rates.failed))"
            )
            for (label, stats) in [("wait", figures.waitTime), ("acceptance", figures.acceptanceTime), ("handling", figures.handlingTime)] {
                print(
                    "\(label.padding(toLength: 23, withPad: " ", startingAt: 0)) n \(stats.count), mean \(milliseconds(stats.meanMs)) ms, "
                        + "p50 \(milliseconds(stats.p50Ms)) ms, p90 \(milliseconds(stats.p90Ms)) ms, p99 \(milliseconds(stats.p99Ms)) ms")
            }
            let fairness = figures.fairness
            print(
                "overdue \(figures.overdueTasks), retries \(figures.retries), fairness employees \(fairness.employees), jainIndex \(Output.number(fairness.jainIndex))"
            )
        }
    }
}
