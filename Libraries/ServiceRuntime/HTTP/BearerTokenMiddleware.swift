import EventContracts
import Foundation
import Hummingbird
import Tokens

/// Verifies the `Authorization: Bearer` token locally (never by asking auth) and puts the
/// identity in the context; 401 when the token is missing, malformed, forged or expired, and 403
/// when the route group needs a role the caller does not have.
public struct BearerTokenMiddleware: RouterMiddleware {
    public typealias Context = ServiceRequestContext

    let signer: TokenSigner
    let requiredRole: Identity.RoleRequirement

    public init(signer: TokenSigner, requiring role: Identity.RoleRequirement = .any) {
        self.signer = signer
        self.requiredRole = role
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.identity = try Self.identity(of: request, signer: signer)
        guard requiredRole.allows(context.identity!) else { throw APIError.forbidden }
        return try await next(request, context)
    }

    /// The identity of a request carrying a valid bearer token; throws 401 otherwise.
    public static func identity(of request: Request, signer: TokenSigner) throws -> Identity {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw APIError.unauthenticated
        }
        do {
            let claims = try signer.verify(header.dropFirst("bearer ".count).trimmingSpaces)
            return Identity(userId: claims.sub, role: claims.role)
        } catch {
            throw APIError(
                .unauthorized, code: "unauthenticated", message: "the token is invalid or expired",
                headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""]
            )
        }
    }
}

extension Identity {
    /// Which callers a route group admits.
    public enum RoleRequirement: Sendable {
        case any
        case admin
        case employee

        func allows(_ identity: Identity) -> Bool {
            switch self {
            case .any: true
            case .admin: identity.role == .admin
            case .employee: identity.role == .employee
            }
        }
    }
}
