import ArgumentParser
import AuthAPI
import Foundation

/// An account as the auth service's document defines it (Libraries/API/AuthAPI).
typealias UserRecord = AuthAPI.Components.Schemas.User

struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, create and update users (admin).", subcommands: [List.self, Create.self, Update.self], defaultSubcommand: List.self
    )

    static let columns = ["id", "username", "role", "capacity", "skills", "active"]

    /// An account's row under ``columns``, each cell from its type.
    static func row(_ user: UserRecord) -> [String] {
        [user.id, user.username, user.role.rawValue, String(user.capacity), Output.list(user.skills), Output.yesNo(user.active)]
    }

    static func show(_ user: UserRecord, json: Bool) {
        json ? Output.json(encoding: user) : Output.table(columns, [row(user)])
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Accounts, a page at a time.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "The page to show, from 0.") var page = 0
        @Option(help: "Accounts per page (1–100).") var size = 100

        func run() async throws {
            try await running {
                let result = try await options.client().auth.listUsers(query: .init(page: page, size: size)).ok.body.json
                if options.json { return Output.json(encoding: result) }
                Output.table(Users.columns, result.items.map(Users.row))
                print(Output.pageLine(page: result.page, size: result.size, total: result.total, noun: ("account", "accounts")))
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
                let body = AuthAPI.Components.Schemas.RegisterRequest(
                    email: email, fullName: fullName, password: password,
                    role: try Users.role(role, as: AuthAPI.Components.Schemas.RegisterRequest.RolePayload.self),
                    username: username
                )
                Users.show(try await options.client().auth.register(body: .json(body)).created.body.json, json: options.json)
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
                guard skills != nil || capacity != nil || role != nil || active != nil else {
                    throw CLIError(message: "nothing to change: give --skills, --capacity, --role or --active", exitCode: 7)
                }
                let body = AuthAPI.Components.Schemas.UpdateUserRequest(
                    active: active, capacity: capacity,
                    role: try role.map { try Users.role($0, as: AuthAPI.Components.Schemas.UpdateUserRequest.RolePayload.self) },
                    skills: skills.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
                )
                Users.show(
                    try await options.client().auth.updateUser(path: .init(id: id), body: .json(body)).ok.body.json, json: options.json)
            }
        }
    }

    /// A role as typed (any case), or exit 7 naming the roles there are.
    static func role<Role: RawRepresentable & CaseIterable>(_ text: String, as: Role.Type) throws -> Role where Role.RawValue == String {
        let named = Role.allCases.filter { !$0.rawValue.isEmpty }
        guard let role = named.first(where: { $0.rawValue == text.uppercased() }) else {
            throw CLIError(message: "--role must be \(named.map(\.rawValue).joined(separator: " or ")), not \(text)", exitCode: 7)
        }
        return role
    }
}
