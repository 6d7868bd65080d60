import ArgumentParser
import Foundation

struct Tasks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, list, show, assign, retry and cancel tasks (admin).",
        subcommands: [List.self, Create.self, Show.self, Assign.self, Retry.self, Cancel.self], defaultSubcommand: List.self
    )

    static let columns = ["id", "name", "priority", "status", "assigneeId", "attempt", "progress", "requiredSkills"]

    static func show(_ task: Any, json: Bool) {
        json ? Output.json(task) : Output.table(columns, [Output.fields(task, columns)])
    }

    struct List: AsyncParsableCommand {
        @OptionGroup var options: GlobalOptions
        @Option(help: "PENDING, ASSIGNED, IN_PROGRESS, COMPLETED, FAILED or CANCELLED.") var status: String?
        @Option(help: "1 (most urgent) to 5.") var priority: Int?
        @Option(help: "An employee's id.") var assignee: String?
        @Option var page = 0
        @Option var size = 20

        func run() async throws {
            try await running {
                let result = try await options.client().send("GET", "api/admin/tasks", query: [
                    "status": status, "priority": priority.map(String.init), "assigneeId": assignee, "page": String(page), "size": String(size),
                ])
                if options.json { return Output.json(result) }
                let page = result as? [String: Any] ?? [:]
                Output.table(Tasks.columns, (page["items"] as? [Any] ?? []).map { Output.fields($0, Tasks.columns) })
                print("page \(Output.text(page["page"])) of \(Output.text(page["total"])) tasks")
            }
        }
    }

    struct Create: AsyncParsableCommand {
        @OptionGroup var options: GlobalOptions
        @Option var name: String
        @Option var description: String = ""
        @Option(help: "1 (most urgent) to 5.") var priority: Int = 3
        @Option(help: "Comma-separated required skills.") var skills: String?
        @Option var maxAttempts: Int?
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
                Output.table(Tasks.columns, [Output.fields(object["task"] ?? object, Tasks.columns)])
                print("\ncomments:")
                let commentColumns = ["createdAt", "authorId", "message"]
                Output.table(commentColumns, (object["comments"] as? [Any] ?? []).map { Output.fields($0, commentColumns) })
                print("\naudit trail:")
                let auditColumns = ["at", "actorId", "from", "to", "reason"]
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
        @OptionGroup var options: GlobalOptions
        @Argument var id: String

        func run() async throws {
            try await running { Tasks.show(try await options.client().send("POST", "api/admin/tasks/\(id)/retry", body: [:]), json: options.json) }
        }
    }

    struct Cancel: AsyncParsableCommand {
        @OptionGroup var options: GlobalOptions
        @Argument var id: String

        func run() async throws {
            try await running { Tasks.show(try await options.client().send("POST", "api/admin/tasks/\(id)/cancel", body: [:]), json: options.json) }
        }
    }
}
