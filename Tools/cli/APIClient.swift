import AnalyticsAPI
import AsyncHTTPClient
import AuthAPI
import Foundation
import NIOCore
import NIOHTTP1
import OpenAPIAsyncHTTPClient
import SchedulerAPI
import TasksAPI

/// What went wrong, as the user should read it, and the exit status that says so to scripts.
struct CLIError: Error, CustomStringConvertible {
    var message: String
    var exitCode: Int32
    /// The HTTP status, when the server answered.
    var status: Int?
    /// The error object's other fields (`field`, a task's current `status`…).
    var details: [String: String] = [:]

    var description: String { message }

    static let notLoggedIn = CLIError(message: "not logged in: run `orchestrator login` first", exitCode: 3)

    /// The stack could not take the request just now — unreachable, restarting behind the edge
    /// (502, 503, 504) or throttling (429) — so the same request may succeed later.
    var isTransient: Bool { exitCode == 8 || [429, 502, 503, 504].contains(status ?? 0) }

    /// The status's exit code: 3 unauthenticated, 4 forbidden, 5 not found, 6 conflict, 7 bad
    /// input, 1 anything else.
    static func api(status: Int, body: Data) -> CLIError {
        // Every service's error body (docs/api.md): its text fields are what a person and a script act on.
        let error = (try? JSONDecoder().decode(ErrorBody.self, from: body))?.error.compactMapValues(\.text)
        let message = error?["message"] ?? String(decoding: body.prefix(300), as: UTF8.self)
        let code: Int32 =
            switch status {
            case 401: 3
            case 403: 4
            case 404: 5
            case 409: 6
            case 400, 413, 422: 7
            default: 1
            }
        let details = (error ?? [:]).filter { $0.key != "message" && $0.key != "code" }
        return CLIError(message: "\(status): \(message)", exitCode: code, status: status, details: details)
    }

    /// `{"error": {…}}` with each field's text, when it is text.
    private struct ErrorBody: Decodable {
        struct Field: Decodable {
            var text: String?
            init(from decoder: any Decoder) throws { text = try? decoder.singleValueContainer().decode(String.self) }
        }
        var error: [String: Field]
    }
}

/// The edge, with the saved token; the services' typed clients hang off it (EdgeMiddleware.swift).
struct APIClient {
    /// One HTTP client for the whole process: NIO's, keeping connections alive and reusing them
    /// (a simulation sends hundreds of requests a second; URLSession on Linux cost several
    /// milliseconds of CPU for each). Enough connections per host for every simulated employee
    /// to have one; it lives as long as the process, so it is never shut down.
    static let http = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: HTTPClient.Configuration(
            timeout: .init(connect: .seconds(10), read: .seconds(30)),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        )
    )

    let base: URL
    /// The saved token, and its renewal once ``renewing()`` asked for one.
    let session: Session
    /// The services' typed clients (EdgeMiddleware.swift), built once for this client.
    let tasks: TasksAPI.Client, auth: AuthAPI.Client, scheduler: SchedulerAPI.Client, analytics: AnalyticsAPI.Client

    /// A token, and what keeps it fresh for long runs.
    struct Session: Sendable {
        let token: String?
        /// Set by ``APIClient/renewing()``: the token then comes from here, refreshed before it expires.
        let renewal: TokenRenewal?

        /// The token to send now.
        func current() async -> String? {
            if let renewal { return await renewal.current() }
            return token
        }
    }

    init(url: String, token: String?) throws {
        guard let base = URL(string: url), base.scheme == "http" || base.scheme == "https" else {
            throw CLIError(message: "--url must be an http:// or https:// address, not \(url)", exitCode: 2)
        }
        self.init(base: base, session: Session(token: token, renewal: nil))
    }

    private init(base: URL, session: Session) {
        self.base = base
        self.session = session
        let transport = AsyncHTTPClientTransport(configuration: .init(client: Self.http, timeout: .seconds(30)))
        let middlewares = [EdgeMiddleware(base: base, session: session)]
        let configuration = Self.typedConfiguration
        tasks = TasksAPI.Client(serverURL: base, configuration: configuration, transport: transport, middlewares: middlewares)
        auth = AuthAPI.Client(serverURL: base, configuration: configuration, transport: transport, middlewares: middlewares)
        scheduler = SchedulerAPI.Client(serverURL: base, configuration: configuration, transport: transport, middlewares: middlewares)
        analytics = AnalyticsAPI.Client(serverURL: base, configuration: configuration, transport: transport, middlewares: middlewares)
    }

    var token: String? { session.token }

    /// The same client, trading its token for a fresh one before it expires (long runs).
    func renewing() -> APIClient {
        guard let token = session.token else { return self }
        return APIClient(base: base, session: Session(token: token, renewal: TokenRenewal(token: token, base: base.absoluteString)))
    }

    /// The token to send now.
    func currentToken() async -> String? { await session.current() }

    /// Why a request got no answer, as a person reads it ("Connection refused", "connectTimeout").
    static func reason(_ error: any Error) -> String {
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        return "\(error)"
    }
}
