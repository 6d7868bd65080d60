import ArgumentParser
import Foundation

/// `orchestrator work`: an employee's own offers and work in progress.
struct Work: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Your offers and work in progress: list, accept or decline (employee).",
        subcommands: [List.self, Accept.self, Decline.self], defaultSubcommand: List.self
    )

    static let columns = ["id", "name", "priority", "status", "attempt", "progress", "dueAt", "offerExpiresAt"]

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Offers awaiting your answer and tasks you are working on.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            try await running {
                let result = try await options.client().send("GET", "api/employee/tasks/current")
                if options.json { return Output.json(result) }
                let items = (result as? [String: Any])?["items"] as? [Any] ?? []
                Output.table(Work.columns, items.map { Output.fields($0, Work.columns) })
                print(items.isEmpty ? "nothing offered or in progress" : "\(items.count) \(items.count == 1 ? "task" : "tasks")")
            }
        }
    }

    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take an offer: the task is IN_PROGRESS with you.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The task's id.") var id: String

        func run() async throws {
            try await running {
                let task = try await options.client().send("POST", "api/employee/tasks/\(id)/accept", body: [:])
                options.json ? Output.json(task) : Output.table(Work.columns, [Output.fields(task, Work.columns)])
            }
        }
    }

    struct Decline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn an offer down: it goes back to the queue for someone else; you stay available for other work.",
            discussion: "The task is not offered to you again for ORCH_TASKS_DECLINE_HOLD (5 minutes by default), even when nobody else can take it."
        )
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The task's id.") var id: String
        @Option(help: "Why (optional, at most 1,000 characters); the admins see it.") var reason: String?

        func run() async throws {
            try await running {
                let body: [String: Any] = reason.map { ["reason": $0] } ?? [:]
                let task = try await options.client().send("POST", "api/employee/tasks/\(id)/decline", body: body)
                options.json ? Output.json(task) : print("declined; \(Output.text((task as? [String: Any])?["name"])) is back in the queue")
            }
        }
    }
}
