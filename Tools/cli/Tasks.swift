import ArgumentParser
import Foundation
import TasksAPI

/// A task as the tasks service's document defines it (Libraries/API/TasksAPI).
typealias TaskRecord = TasksAPI.Components.Schemas.Task

extension TasksAPI.Operations.ListTasks.Input.Query.StatusPayload: ExpressibleByArgument {}
extension TasksAPI.Operations.ListTasks.Input.Query.SortPayload: ExpressibleByArgument {}

struct Tasks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, list, show, edit, assign, unassign, retry, reprioritise and cancel tasks (admin).",
        subcommands: [
            List.self, Create.self, Show.self, Edit.self, Assign.self, Unassign.self, Retry.self, Reprioritise.self, Cancel.self,
        ], defaultSubcommand: List.self
    )

    static let columns = ["id", "name", "priority", "status", "assigneeId", "attempt", "progress", "dueAt", "requiredSkills"]

    /// A task's row under ``columns``, each cell from its type.
    static func row(_ task: TaskRecord) -> [String] {
        [
            task.id, task.name, String(task.priority), task.status.rawValue, Output.text(task.assigneeId), String(task.attempt),
            String(task.progress), Output.time(task.dueAt), Output.list(task.requiredSkills),
        ]
    }

    /// Past its due time and not ended.
    static func isOverdue(_ task: TaskRecord) -> Bool {
        guard let due = task.dueAt else { return false }
        let open: [TaskRecord.StatusPayload] = [.pending, .assigned, .inProgress]
        return open.contains(task.status) && due < Date()
    }

    /// `--due`: an RFC 3339 time, or exit status 7 saying what was wrong.
    static func time(_ text: String?) throws -> Date? {
        try text.map { text in
            guard let date = Output.parseTime(text) else {
                throw CLIError(message: "--due must be an RFC 3339 time, e.g. 2026-12-01T17:00:00Z, not \(text)", exitCode: 7)
            }
            return date
        }
    }

    /// `--skills a, b`: the list, each trimmed.
    static func skills(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    static func show(_ task: TaskRecord, json: Bool) {
        json ? Output.json(encoding: task) : Output.table(columns, [row(task)])
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tasks, newest first (or as --sort says), a page at a time, optionally searched and filtered.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "A whole task id, or words that begin words of the name (ignoring case).") var search: String?
        @Option(help: "PENDING, ASSIGNED, IN_PROGRESS, COMPLETED, FAILED or CANCELLED.") var status:
            TasksAPI.Operations.ListTasks.Input.Query.StatusPayload?
        @Option(help: "1 (most urgent) to 5.") var priority: Int?
        @Option(help: "An employee's id.") var assignee: String?
        @Option(help: "Only tasks that require this skill.") var skill: String?
        @Flag(help: "Only open tasks past their due time.") var overdue = false
        @Option(
            help: "created, updated, priority, due, status or name; a leading - reverses it (write --sort=-priority). Default -created.")
        var sort: TasksAPI.Operations.ListTasks.Input.Query.SortPayload?
        @Option(help: "The page to show, from 0.") var page = 0
        @Option(help: "Tasks per page (1–100).") var size = 20

        func run() async throws {
            try await running {
                let query = TasksAPI.Operations.ListTasks.Input.Query(
                    status: status, priority: priority, assignee: assignee, overdue: overdue ? true : nil, q: search, skill: skill,
                    sort: sort, page: page, size: size
                )
                let result = try await options.client().tasks.listTasks(query: query).ok.body.json
                if options.json { return Output.json(encoding: result) }
                Output.table(Tasks.columns, result.items.map(Tasks.row))
                print(Output.pageLine(page: result.page, size: result.size, total: result.total, noun: ("task", "tasks")))
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a task; the scheduler offers it at once to the fairest eligible employee.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "What the task is called (1–200 characters).") var name: String
        @Option(help: "What needs doing.") var description: String = ""
        @Option(help: "1 (most urgent) to 5.") var priority: Int = 3
        @Option(help: "Comma-separated required skills.") var skills: String?
        @Option(help: "How many times it may be tried before it fails for good (1–20; default 3).") var maxAttempts: Int?
        @Option(help: "RFC 3339, e.g. 2026-12-01T17:00:00Z.") var due: String?

        func run() async throws {
            try await running {
                let body = TasksAPI.Components.Schemas.CreateTask(
                    description: description, dueAt: try Tasks.time(due), maxAttempts: maxAttempts, name: name, priority: priority,
                    requiredSkills: skills.map(Tasks.skills)
                )
                Tasks.show(try await options.client().tasks.createTask(body: .json(body)).created.body.json, json: options.json)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A task with its comments and audit trail.")
        @OptionGroup var options: GlobalOptions
        @Argument var id: String

        func run() async throws {
            try await running {
                let detail = try await options.client().tasks.getTask(path: .init(id: id)).ok.body.json
                if options.json { return Output.json(encoding: detail) }
                let task = detail.value1
                Output.table(Tasks.columns, [Tasks.row(task)])
                print("\ndescription: \(task.description.isEmpty ? "-" : task.description)")
                print("due: \(Output.time(task.dueAt))\(Tasks.isOverdue(task) ? " (overdue)" : "")")
                print("attempts: \(task.attempt) of \(task.maxAttempts)")
                print("\ncomments:")
                Output.table(
                    ["createdAt", "authorId", "message"],
                    detail.value2.comments.map { [Output.time($0.createdAt), $0.authorId, $0.message] })
                print("\naudit trail:")
                Output.table(
                    ["at", "action", "actorId", "assigneeId", "from", "to", "reason"],
                    detail.value2.audit.map { entry in
                        [
                            Output.time(entry.at), entry.action, Output.text(entry.actorId), Output.text(entry.assigneeId),
                            Output.text(entry.from),
                            entry.to, Output.text(entry.reason),
                        ]
                    }
                )
            }
        }
    }

    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ask the scheduler to offer a waiting task to an employee.")
        @OptionGroup var options: GlobalOptions
        @Argument var id: String
        @Argument var employee: String

        func run() async throws {
            try await running {
                let reply = try await options.client().tasks.assignTask(path: .init(id: id, employeeId: employee)).accepted.body.json
                options.json ? Output.json(encoding: reply) : print(Output.text(reply.message))
            }
        }
    }

    struct Unassign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take an offered or in-progress task back from its assignee; it is offered to someone else first.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The task's id.") var id: String
        @Option(help: "Why (optional, at most 1,000 characters); shown to the assignee.") var reason: String?

        func run() async throws {
            try await running {
                let task = try await options.client().tasks.unassignTask(path: .init(id: id), body: .json(.init(reason: reason))).ok.body
                    .json
                Tasks.show(task, json: options.json)
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put FAILED tasks back in the queue for another round of attempts.",
            discussion: """
                One id: that task, shown. Several ids, or --all-failed: one request for all of them (at most 500), \
                and a line for each saying what happened; exit status 6 when any was left as it was.
                """)
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The tasks' ids.") var ids: [String] = []
        @Flag(help: "Every FAILED task (found first, at most 500).") var allFailed = false

        func validate() throws {
            guard ids.isEmpty == allFailed else { throw ValidationError("give the tasks' ids or --all-failed, not both or neither") }
        }

        func run() async throws {
            try await running {
                let client = try options.client()
                if ids.count == 1 {
                    return Tasks.show(try await client.tasks.retryTask(path: .init(id: ids[0])).ok.body.json, json: options.json)
                }
                let chosen = allFailed ? try await Bulk.ids(of: .failed, client: client) : ids
                try await Bulk.run(.retry, ids: chosen, reason: nil, client: client, json: options.json)
            }
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change an open task's priority, description, due time or required skills.",
            discussion: "Only what you give changes. The task's assignee sees the change. Exit status 6 when the task has ended.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The task's id.") var id: String
        @Option(help: "1 (most urgent) to 5.") var priority: Int?
        @Option(help: "What needs doing (replaces the description).") var description: String?
        @Option(help: "RFC 3339, e.g. 2026-12-01T17:00:00Z, or none to remove the due time.") var due: String?
        @Option(help: "Comma-separated required skills (replaces them; \"\" for none).") var skills: String?
        @Option(help: "The version you saw: exit status 6 if the task has changed since.") var version: Int?

        func validate() throws {
            guard priority != nil || description != nil || due != nil || skills != nil else {
                throw ValidationError("give at least one of --priority, --description, --due, --skills")
            }
        }

        func run() async throws {
            try await running {
                // "none" is sent as `"dueAt": null`, which removes it (left out, it is left as it is).
                let removeDue = due?.lowercased() == "none"
                let body = TasksAPI.Components.Schemas.EditTask(
                    description: description, dueAt: removeDue ? nil : try Tasks.time(due), priority: priority,
                    requiredSkills: skills.map(Tasks.skills), version: version
                )
                let client = try options.client()
                let task = try await ExplicitNulls.$fields.withValue(removeDue ? ["dueAt"] : []) {
                    try await client.tasks.editTask(path: .init(id: id), body: .json(body)).ok.body.json
                }
                Tasks.show(task, json: options.json)
            }
        }
    }

    struct Reprioritise: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give open tasks a new priority, in one request (at most 500).",
            discussion: "A line for each task saying what happened; exit status 6 when any was left as it was.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The tasks' ids.") var ids: [String]
        @Option(help: "1 (most urgent) to 5.") var priority: Int

        func run() async throws {
            try await running {
                try await Bulk.run(.reprioritise, ids: ids, reason: nil, priority: priority, client: options.client(), json: options.json)
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel tasks that have not ended; each assignee is told, with your reason.",
            discussion: """
                One id: that task, shown. Several: one request for all of them (at most 500), and a line for each \
                saying what happened; exit status 6 when any was left as it was.
                """)
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The tasks' ids.") var ids: [String]
        @Option(help: "Why (optional, at most 1,000 characters); shown to the assignees.") var reason: String?

        func run() async throws {
            try await running {
                let client = try options.client()
                if ids.count == 1 {
                    let cancelled = try await client.tasks.cancelTask(path: .init(id: ids[0]), body: .json(.init(reason: reason))).ok.body
                        .json
                    return Tasks.show(cancelled, json: options.json)
                }
                try await Bulk.run(.cancel, ids: ids, reason: reason, client: client, json: options.json)
            }
        }
    }
}
