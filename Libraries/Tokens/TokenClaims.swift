import EventContracts
import Foundation

/// What a token says (docs/auth.md, "Tokens"): who (`sub`), as what (`role`), issued when and valid until.
public struct TokenClaims: Codable, Sendable, Equatable {
    public var sub: UUID
    public var role: Role
    public var iat: Int
    public var exp: Int
    public var iss: String

    public static let issuer = "orchestrator"

    public init(subject: UUID, role: Role, issuedAt: Date, expiresAt: Date) {
        sub = subject
        self.role = role
        iat = Int(issuedAt.timeIntervalSince1970)
        exp = Int(expiresAt.timeIntervalSince1970)
        iss = Self.issuer
    }

    public var expiresAt: Date { Date(timeIntervalSince1970: TimeInterval(exp)) }
}
