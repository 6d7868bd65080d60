import HTTPTypes
import Hummingbird
import Telemetry

extension HTTPField.Name {
    /// Names the service that answered, so an operator can see where the edge sent a request.
    public static let orchestratorService = Self("X-Orchestrator-Service")!
    /// The trace and span that answered (`00-<trace id>-<span id>-<flags>`): what to look for in
    /// the logs and the traces when a request went wrong (docs/operations.md).
    public static let traceResponse = Self(TraceParent.responseHeaderName)!
}

/// Adds `X-Orchestrator-Service` and, within a trace, `traceresponse` to every response, errors
/// included.
struct ServiceHeaderMiddleware<Context: RequestContext>: RouterMiddleware {
    let service: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let trace = TraceParent.current?.header
        do {
            var response = try await next(request, context)
            response.headers[.orchestratorService] = service
            response.headers[.traceResponse] = trace
            return response
        } catch var error as APIError {
            error.headers[.orchestratorService] = service
            error.headers[.traceResponse] = trace
            throw error
        } catch var error as HTTPError {
            error.headers[.orchestratorService] = service
            error.headers[.traceResponse] = trace
            throw error
        }
    }
}
