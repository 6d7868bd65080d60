import ArgumentParser
import Foundation

struct Queue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Waiting tasks in the order they will be assigned (admin).")
    @OptionGroup var options: GlobalOptions
    @Option var limit = 50

    func run() async throws {
        try await running {
            let queue = try await options.client().send("GET", "api/scheduler/queue", query: ["limit": String(limit)])
            if options.json { return Output.json(queue) }
            let columns = ["taskId", "name", "priority", "effectivePriority", "waitingSeconds", "requiredSkills"]
            // Why each waits, in words, as the last column.
            Output.table(columns + ["waitingFor"], ((queue as? [String: Any])?["items"] as? [Any] ?? []).map { item in
                Output.fields(item, columns) + [Output.text(((item as? [String: Any])?["waitingFor"] as? [String: Any])?["text"])]
            })
            print("\(Output.text((queue as? [String: Any])?["total"])) waiting")
        }
    }
}

struct Employees: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The team: presence, availability, load and skills (admin).")
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await running {
            let team = try await options.client().send("GET", "api/scheduler/employees")
            if options.json { return Output.json(team) }
            let columns = ["id", "username", "online", "availability", "load", "capacity", "skills", "idleSince"]
            Output.table(columns, ((team as? [String: Any])?["items"] as? [Any] ?? []).map { Output.fields($0, columns) })
        }
    }
}

struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The analytics overview (admin).")
    @OptionGroup var options: GlobalOptions
    @Option(help: "How far back: 15m, 1h, 24h.") var window = "1h"

    func run() async throws {
        try await running {
            let overview = try await options.client().send("GET", "api/analytics/overview", query: ["window": window])
            if options.json { return Output.json(overview) }
            let figures = overview as? [String: Any] ?? [:]
            func pairs(_ key: String) -> String {
                ((figures[key] as? [String: Any]) ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \(Output.text($0.value))" }.joined(separator: ", ")
            }
            print("window \(window)")
            print("tasks by status:        \(pairs("tasksByStatus"))")
            print("open tasks by priority: \(pairs("openTasksByPriority"))")
            print("per minute:             \(pairs("perMinute"))")
            for (label, key) in [("wait", "waitTime"), ("acceptance", "acceptanceTime"), ("handling", "handlingTime")] {
                let stats = figures[key] as? [String: Any] ?? [:]
                print("\(label.padding(toLength: 23, withPad: " ", startingAt: 0)) n \(Output.text(stats["count"])), mean \(Output.text(stats["meanMs"])) ms, "
                    + "p50 \(Output.text(stats["p50Ms"])) ms, p90 \(Output.text(stats["p90Ms"])) ms, p99 \(Output.text(stats["p99Ms"])) ms")
            }
            print("overdue \(Output.text(figures["overdueTasks"])), retries \(Output.text(figures["retries"])), fairness \(pairs("fairness"))")
        }
    }
}
