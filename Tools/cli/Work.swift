import ArgumentParser
import Foundation
import TasksAPI

/// `orchestrator work`: an employee's own offers and work in progress.
struct Work: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Your offers and work in progress: list, accept or decline (employee).",
        subcommands: [List.self, Accept.self, Decline.self], defaultSubcommand: List.self
    )

    static let columns = ["id", "name", "priority", "status", "attempt", "progress", "dueAt", "offerExpiresAt"]

    /// A task's row under ``columns``, each cell from its type.
    static func row(_ task: TaskRecord) -> [String] {
        [
            task.id, task.name, String(task.priority), task.status.rawValue, String(task.attempt), String(task.progress),
            Output.time(task.dueAt), Output.time(task.offerExpiresAt),
        ]
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Offers awaiting your answer and tasks you are working on.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            try await running {
                let result = try await options.client().tasks.currentTasks().ok.body.json
                if options.json { return Output.json(encoding: result) }
                let items = result.items
                Output.table(Work.columns, items.map(Work.row))
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
                let task = try await options.client().tasks.acceptTask(path: .init(id: id)).ok.body.json
                options.json ? Output.json(encoding: task) : Output.table(Work.columns, [Work.row(task)])
            }
        }
    }

    struct Decline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn an offer down: it goes back to the queue for someone else; you stay available for other work.",
            discussion:
                "The task is not offered to you again for ORCH_TASKS_DECLINE_HOLD (5 minutes by default), even when nobody else can take it."
        )
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The task's id.") var id: String
        @Option(help: "Why (optional, at most 1,000 characters); the admins see it.") var reason: String?

        func run() async throws {
            try await running {
                let task = try await options.client().tasks.declineTask(path: .init(id: id), body: .json(.init(reason: reason))).ok.body
                    .json
                options.json ? Output.json(encoding: task) : print("declined; \(task.name) is back in the queue")
            }
        }
    }
}
