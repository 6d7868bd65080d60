import ArgumentParser
import Foundation

struct Tasks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, list, show, assign, retry and cancel tasks (admin).",
        subcommands: [List.self, Create.self, Show.self, Assign.self, Retry.self, Cancel.self], defaultSubcommand: List.self
    )

    static let columns = ["id", "name", "priority", "status", "assigneeId", "attempt", "progress", "dueAt", "requiredSkills"]

    /// "page 1 of 156 (3,106 tasks)" under a list.
    static func pageLine(_ page: [String: Any]) -> String {
        let number = (page["page"] as? NSNumber)?.intValue ?? 0
        let size = max(1, (page["size"] as? NSNumber)?.intValue ?? 20)
        let total = (page["total"] as? NSNumber)?.intValue ?? 0
        let pages = max(1, (total + size - 1) / size)
        return "page \(number + 1) of \(pages) (\(total) \(total == 1 ? "task" : "tasks"))"
    }

    /// Past its due time and not ended.
    static func isOverdue(_ task: [String: Any]) -> Bool {
        guard let text = task["dueAt"] as? String, let status = task["status"] as? String,
              ["PENDING", "ASSIGNED", "IN_PROGRESS"].contains(status)
        else { return false }
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let due = parser.date(from: text) ?? ISO8601DateFormatter().date(from: text) else { return false }
        return due < Date()
    }

    static func show(_ task: Any, json: Bool) {
        json ? Output.json(task) : Output.table(columns, [Output.fields(task, columns)])
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tasks, newest first, a page at a time, optionally filtered.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "PENDING, ASSIGNED, IN_PROGRESS, COMPLETED, FAILED or CANCELLED.") var status: String?
        @Option(help: "1 (most urgent) to 5.") var priority: Int?
        @Option(help: "An employee's id.") var assignee: String?
        @Flag(help: "Only open tasks past their due time.") var overdue = false
        @Option(help: "The page to show, from 0.") var page = 0
        @Option(help: "Tasks per page (1–100).") var size = 20

        func run() async throws {
            try await running {
                let result = try await options.client().send("GET", "api/admin/tasks", query: [
                    "status": status, "priority": priority.map(String.init), "assignee": assignee, "overdue": overdue ? "true" : nil, "page": String(page), "size": String(size),
                ])
                if options.json { return Output.json(result) }
                let page = result as? [String: Any] ?? [:]
                Output.table(Tasks.columns, (page["items"] as? [Any] ?? []).map { Output.fields($0, Tasks.columns) })
                print(Tasks.pageLine(page))
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a task; the scheduler offers it at once to the fairest eligible employee.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "What the task is called (1–200 characters).") var name: String
        @Option(help: "What needs doing.") var description: String = ""
        @Option(help: "1 (most urgent) to 5.") var priority: Int = 3
        @Option(help: "Comma-separated required skills.") var skills: String?
        @Option(help: "How many times it may be tried before it fails for good (1–20; default 3).") var maxAttempts: Int?
        @Option(help: "RFC 3339, e.g. 2026-12-01T17:00:00Z.") var due: String?

        func run() async throws {
            try await running {
                var body: [String: Any] = ["name": name, "description": description, "priority": priority]
                if let skills { body["requiredSkills"] = skills.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
                if let maxAttempts { body["maxAttempts"] = maxAttempts }
                if let due { body["dueAt"] = due }
                Tasks.show(try await options.client().send("POST", "api/admin/tasks", body: body), json: options.json)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A task with its comments and audit trail.")
        @OptionGroup var options: GlobalOptions
        @Argument var id: String

        func run() async throws {
            try await running {
                let detail = try await options.client().send("GET", "api/admin/tasks/\(id)")
                if options.json { return Output.json(detail) }
                let object = detail as? [String: Any] ?? [:]
                let task = object["task"] ?? object
                Output.table(Tasks.columns, [Output.fields(task, Tasks.columns)])
                let fields = task as? [String: Any] ?? [:]
                print("\ndescription: \(Output.text(fields["description"]).isEmpty ? "-" : Output.text(fields["description"]))")
                print("due: \(Output.text(fields["dueAt"]))\(Tasks.isOverdue(fields) ? " (overdue)" : "")")
                print("attempts: \(Output.text(fields["attempt"])) of \(Output.text(fields["maxAttempts"]))")
                print("\ncomments:")
                let commentColumns = ["createdAt", "authorId", "message"]
                Output.table(commentColumns, (object["comments"] as? [Any] ?? []).map { Output.fields($0, commentColumns) })
                print("\naudit trail:")
                let auditColumns = ["at", "action", "actorId", "assigneeId", "from", "to", "reason"]
                Output.table(auditColumns, (object["audit"] as? [Any] ?? []).map { Output.fields($0, auditColumns) })
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
                let reply = try await options.client().send("POST", "api/admin/tasks/\(id)/assign/\(employee)", body: [:])
                options.json ? Output.json(reply) : print(Output.text((reply as? [String: Any])?["message"]))
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a FAILED task back in the queue for another round of attempts.")
        @OptionGroup var options: GlobalOptions
        @Argument var id: String

        func run() async throws {
            try await running { Tasks.show(try await options.client().send("POST", "api/admin/tasks/\(id)/retry", body: [:]), json: options.json) }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a task that has not ended; its assignee is told, with your reason.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The task's id.") var id: String
        @Option(help: "Why (optional, at most 1,000 characters); shown to the assignee.") var reason: String?

        func run() async throws {
            let body: [String: Any] = reason.map { ["reason": $0] } ?? [:]
            try await running { Tasks.show(try await options.client().send("POST", "api/admin/tasks/\(id)/cancel", body: body), json: options.json) }
        }
    }
}
