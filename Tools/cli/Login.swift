import ArgumentParser
import AuthAPI
import Foundation

struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Log in and keep the token (0600) in the configuration directory.",
        discussion: "The password is read from ORCH_PASSWORD, or asked for without echo."
    )

    @OptionGroup var options: GlobalOptions
    @Option(help: "Your username.") var username: String

    func run() async throws {
        try await running {
            let password: String
            if let fromEnvironment = ProcessInfo.processInfo.environment["ORCH_PASSWORD"] {
                password = fromEnvironment
            } else if let typed = getpass("Password: ") {
                password = String(cString: typed)
            } else {
                throw CLIError(message: "no password given", exitCode: 7)
            }
            let client = try options.client()
            let session = try await client.auth.login(body: .json(.init(password: password, username: username))).ok.body.json
            try Credentials().save(session.token, for: options.url)
            if options.json { return Output.json(encoding: session) }
            print("logged in as \(session.user.username) (\(session.user.role.rawValue)) until \(Output.time(session.expiresAt))")
        }
    }
}

struct Logout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Forget the saved token.")
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await running {
            do {
                try Credentials().save(nil, for: options.url)
            } catch {
                throw CLIError(message: "cannot update the saved credentials: \(error.localizedDescription)", exitCode: 1)
            }
            if !options.json { print("logged out of \(options.url)") }
        }
    }
}
