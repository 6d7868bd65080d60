import ArgumentParser
import Foundation
import OpenAPIRuntime

/// `orchestrator`: the system from the command line, through the edge.
@main
struct Orchestrator: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orchestrator",
        abstract: "Orchestrator from the command line: users, tasks, the queue, the team, figures and live events.",
        discussion: """
            Exit status: 0 done, 1 other error, 2 usage, 3 not logged in or session expired, 4 not allowed, \
            5 not found, 6 conflict with the current state, 7 invalid input, 8 server unreachable.
            """,
        subcommands: [
            Login.self, Logout.self, Users.self, Tasks.self, Work.self, Queue.self, Employees.self, Workload.self, Stats.self, Watch.self,
            Simulate.self, DeadLetters.self,
        ]
    )

    /// As ArgumentParser's, except that a usage error exits 2, as documented (it would say 64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(help: "The edge's address (or ORCH_URL).")
    var url: String = ProcessInfo.processInfo.environment["ORCH_URL"] ?? "http://127.0.0.1:8080"

    @Flag(help: "Print the API's JSON instead of a table.")
    var json = false

    /// The edge with this URL's saved token (an operation that needs none, logging in, does not
    /// send it: EdgeMiddleware).
    func client() throws -> APIClient {
        try APIClient(url: url, token: Credentials().token(for: url))
    }
}

/// Runs a command body, turning a ``CLIError`` (also one a typed client wraps) into its message
/// on standard error and its exit status.
func running(_ body: () async throws -> Void) async throws {
    let failure: CLIError
    do {
        return try await body()
    } catch let error as CLIError {
        failure = error
    } catch let error as ClientError {
        failure = CLIError(error)
    }
    FileHandle.standardError.write(Data("orchestrator: \(failure.message)\n".utf8))
    throw ExitCode(failure.exitCode)
}
