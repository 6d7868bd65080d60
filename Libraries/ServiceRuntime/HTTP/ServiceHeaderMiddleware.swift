import HTTPTypes
import Hummingbird

extension HTTPField.Name {
    /// Names the service that answered, so an operator can see where the edge sent a request.
    public static let orchestratorService = Self("X-Orchestrator-Service")!
}

/// Adds `X-Orchestrator-Service` to every response, errors included.
struct ServiceHeaderMiddleware<Context: RequestContext>: RouterMiddleware {
    let service: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            var response = try await next(request, context)
            response.headers[.orchestratorService] = service
            return response
        } catch var error as APIError {
            error.headers[.orchestratorService] = service
            throw error
        } catch var error as HTTPError {
            error.headers[.orchestratorService] = service
            throw error
        }
    }
}
