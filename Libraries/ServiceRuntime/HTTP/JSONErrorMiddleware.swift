import Hummingbird
import Logging
import Persistence

/// Gives every error response the JSON shape of ``APIError``: the framework's own (404 for an
/// unknown route, 405, 413, …), a database outage (a 503 to retry: the server restarted or cut
/// the connection mid-request) and unexpected ones, which become a logged 500 with no detail.
public struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            throw APIError(
                error.status, code: Self.code(for: error.status.code), message: error.body ?? error.status.reasonPhrase,
                headers: error.headers
            )
        } catch  where DatabaseOutage.isOutage(error) {
            context.logger.warning("database unavailable", metadata: ["error": "\(String(reflecting: error))"])
            throw APIError(
                .serviceUnavailable, code: "unavailable", message: "the database is unavailable; try again shortly",
                headers: [.retryAfter: "1"]
            )
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            throw APIError(.internalServerError, code: "internal_error", message: "something went wrong on our side")
        }
    }

    static func code(for status: Int) -> String {
        switch status {
        case 400: "malformed_request"
        case 401: "unauthenticated"
        case 403: "forbidden"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 409: "conflict"
        case 413: "too_large"
        case 422: "invalid_value"
        case 429: "throttled"
        case 503: "unavailable"
        default: "http_\(status)"
        }
    }
}
