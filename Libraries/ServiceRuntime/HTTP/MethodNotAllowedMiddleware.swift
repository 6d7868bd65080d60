import HTTPTypes
import Hummingbird

/// Turns the router's 404 for a path the service does have, asked with a method it does not
/// declare, into 405 with `Allow` (RFC 9110 §15.5.6). Added by ``OpenAPIController``, so the
/// document is the single list of routes.
public struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let catalogue: RouteCatalogue

    public init(catalogue: RouteCatalogue) {
        self.catalogue = catalogue
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            guard let methods = catalogue.methods(for: request.uri.path), !methods.contains(request.method.rawValue) else { throw error }
            throw APIError(
                .methodNotAllowed, code: "method_not_allowed", message: "\(request.method.rawValue) is not allowed here",
                headers: [.allow: methods.sorted().joined(separator: ", ")]
            )
        }
    }
}
