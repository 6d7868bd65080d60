import AsyncHTTPClient
import Foundation
import HTTPTypes
import OpenAPIAsyncHTTPClient
import AnalyticsAPI
import AuthAPI
import OpenAPIRuntime
import SchedulerAPI
import TasksAPI

/// The services' typed clients (Libraries/API, generated from their documents: docs/api.md),
/// through the edge, over the process's one HTTP client.
extension APIClient {
    /// Times as the services write them: RFC 3339 in UTC with milliseconds.
    static let typedConfiguration = Configuration(dateTranscoder: .iso8601WithFractionalSeconds)

    /// The tasks service.
    var tasks: TasksAPI.Client {
        TasksAPI.Client(serverURL: base, configuration: Self.typedConfiguration, transport: transport, middlewares: [EdgeMiddleware(client: self)])
    }

    /// The auth service.
    var auth: AuthAPI.Client {
        AuthAPI.Client(serverURL: base, configuration: Self.typedConfiguration, transport: transport, middlewares: [EdgeMiddleware(client: self)])
    }

    /// The scheduler.
    var scheduler: SchedulerAPI.Client {
        SchedulerAPI.Client(serverURL: base, configuration: Self.typedConfiguration, transport: transport, middlewares: [EdgeMiddleware(client: self)])
    }

    /// Analytics.
    var analytics: AnalyticsAPI.Client {
        AnalyticsAPI.Client(serverURL: base, configuration: Self.typedConfiguration, transport: transport, middlewares: [EdgeMiddleware(client: self)])
    }

    private var transport: AsyncHTTPClientTransport {
        AsyncHTTPClientTransport(configuration: .init(client: Self.http, timeout: .seconds(30)))
    }
}

/// Sends the saved token with every request of a typed client, and turns every answer that is not
/// a 2xx — and a server that cannot be reached — into the ``CLIError`` a person reads, with its
/// exit status, before the generated code looks at it: a command only ever sees its success.
struct EdgeMiddleware: ClientMiddleware {
    let client: APIClient
    /// Operations that send no token: their 401 is the server's own word (a wrong password).
    static let anonymous: Set<String> = [AuthAPI.Operations.Login.id]

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        let anonymous = Self.anonymous.contains(operationID)
        // Without a saved token the request still goes: the server's 401 says "not logged in".
        if !anonymous, let token = await client.currentToken() { request.headerFields[.authorization] = "Bearer \(token)" }
        let (response, responseBody): (HTTPResponse, HTTPBody?)
        do {
            (response, responseBody) = try await next(request, body, baseURL)
        } catch {
            throw CLIError(message: "cannot reach \(client.base.absoluteString): \(APIClient.reason(error))", exitCode: 8)
        }
        let status = response.status.code
        guard !(200..<300).contains(status) else { return (response, responseBody) }
        if status == 401, !anonymous {
            throw CLIError(message: "401: your session is missing or expired: run `orchestrator login`", exitCode: 3, status: 401)
        }
        var data = Data()
        if let responseBody { data = try await Data(collecting: responseBody, upTo: 1 << 20) }
        throw CLIError.api(status: status, body: data)
    }
}

extension CLIError {
    /// What a typed client threw, as the user should read it: the middleware's own error, or an
    /// answer the command's generated code could not read — the server and its document disagree.
    init(_ error: ClientError) {
        if let error = error.underlyingError as? CLIError {
            self = error
        } else {
            self.init(
                message: "the answer to \(error.operationID) does not match the service's document: \(error.underlyingError)",
                exitCode: 1, status: error.response.map { Int($0.status.code) }
            )
        }
    }
}
