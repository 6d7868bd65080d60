import EventContracts
import Foundation

/// What a token says (docs/auth.md, "Tokens"): who (`sub`), as what (`role`), issued when and valid until.
/// `iat` is to the millisecond (a JWT NumericDate may have a fraction): a token is refused when
/// it was issued before its user's cut-off (``TokenRevocation``), and a login a moment after an
/// account changed must not fall before it.
public struct TokenClaims: Codable, Sendable, Equatable {
    public var sub: UUID
    public var role: Role
    public var iat: Double
    public var exp: Int
    public var iss: String

    public static let issuer = "orchestrator"

    public init(subject: UUID, role: Role, issuedAt: Date, expiresAt: Date) {
        sub = subject
        self.role = role
        iat = (issuedAt.timeIntervalSince1970 * 1_000).rounded(.down) / 1_000
        exp = Int(expiresAt.timeIntervalSince1970)
        iss = Self.issuer
    }

    public var expiresAt: Date { Date(timeIntervalSince1970: TimeInterval(exp)) }
    public var issuedAt: Date { Date(timeIntervalSince1970: iat) }
}
