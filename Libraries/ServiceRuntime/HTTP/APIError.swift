import Foundation
import HTTPTypes
import Hummingbird

/// An error a client can act on, rendered as `{"error": {"code", "message", …}}` with its status
/// (docs/api.md). Anything else a handler throws becomes a 500 that is logged, never shown.
public struct APIError: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// Extra fields in the error object, e.g. the field that is wrong or a task's current state.
    public let details: [String: String]
    /// Every invalid field when there are several (a form shows them all at once), as `errors`.
    public var fieldErrors: [FieldError] = []
    public var headers: HTTPFields

    public struct FieldError: Sendable, Equatable {
        public var field: String
        public var message: String

        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    public init(
        _ status: HTTPResponse.Status, code: String, message: String, details: [String: String] = [:],
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var object: [String: Any] = details
        object["code"] = code
        object["message"] = message
        if !fieldErrors.isEmpty { object["errors"] = fieldErrors.map { ["field": $0.field, "message": $0.message] } }
        let body = try JSONSerialization.data(withJSONObject: ["error": object], options: [.sortedKeys])
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension APIError {
    public static func malformed(_ message: String) -> APIError {
        APIError(.badRequest, code: "malformed_request", message: message)
    }

    public static func invalid(_ field: String, _ message: String) -> APIError {
        APIError(.unprocessableContent, code: "invalid_value", message: message, details: ["field": field])
    }

    /// Several invalid fields: the first as `field` and `message` (what a client reading one
    /// expects), all of them in `errors`.
    public static func invalid(_ errors: [FieldError]) -> APIError {
        precondition(!errors.isEmpty, "at least one invalid field")
        var error = invalid(errors[0].field, errors[0].message)
        error.fieldErrors = errors
        return error
    }

    public static let unauthenticated = APIError(
        .unauthorized, code: "unauthenticated", message: "a valid bearer token is required",
        headers: [.wwwAuthenticate: "Bearer"]
    )

    public static let forbidden = APIError(.forbidden, code: "forbidden", message: "not allowed for this account")

    public static func notFound(_ what: String) -> APIError {
        APIError(.notFound, code: "not_found", message: "\(what) not found")
    }

    public static func conflict(_ message: String, details: [String: String] = [:]) -> APIError {
        APIError(.conflict, code: "conflict", message: message, details: details)
    }
}
