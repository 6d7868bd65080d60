import ArgumentParser
import Foundation

struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, create and update users (admin).", subcommands: [List.self, Create.self, Update.self], defaultSubcommand: List.self
    )

    static let columns = ["id", "username", "role", "capacity", "skills", "active"]

    static func show(_ user: Any, json: Bool) {
        json ? Output.json(user) : Output.table(columns, [Output.fields(user, columns)])
    }

    struct List: AsyncParsableCommand {
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            try await running {
                let page = try await options.client().send("GET", "api/auth/users", query: ["size": "100"])
                if options.json { return Output.json(page) }
                let items = (page as? [String: Any])?["items"] as? [Any] ?? []
                Output.table(Users.columns, items.map { Output.fields($0, Users.columns) })
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a user; an admin may give any role.")
        @OptionGroup var options: GlobalOptions
        @Option var username: String
        @Option(help: "The password (or ORCH_NEW_PASSWORD).") var password: String?
        @Option var fullName: String
        @Option var email: String
        @Option(help: "EMPLOYEE or ADMIN.") var role: String = "EMPLOYEE"

        func run() async throws {
            try await running {
                guard let password = password ?? ProcessInfo.processInfo.environment["ORCH_NEW_PASSWORD"] else {
                    throw CLIError(message: "give --password or ORCH_NEW_PASSWORD", exitCode: 7)
                }
                let user = try await options.client().send(
                    "POST", "api/auth/register",
                    body: ["username": username, "password": password, "fullName": fullName, "email": email, "role": role.uppercased()]
                )
                Users.show(user, json: options.json)
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a user's skills, capacity, role or whether they are active.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The user's id.") var id: String
        @Option(help: "Comma-separated skills (an empty string clears them).") var skills: String?
        @Option var capacity: Int?
        @Option var role: String?
        @Option(help: "true or false.") var active: Bool?

        func run() async throws {
            try await running {
                var body: [String: Any] = [:]
                if let skills { body["skills"] = skills.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
                if let capacity { body["capacity"] = capacity }
                if let role { body["role"] = role.uppercased() }
                if let active { body["active"] = active }
                guard !body.isEmpty else { throw CLIError(message: "nothing to change: give --skills, --capacity, --role or --active", exitCode: 7) }
                Users.show(try await options.client().send("PATCH", "api/auth/users/\(id)", body: body), json: options.json)
            }
        }
    }
}
