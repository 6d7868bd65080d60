import Crypto
import EventContracts
import Foundation

/// Issues and verifies HS256 JSON Web Tokens with key ids, as docs/auth.md ("Tokens") describes them, so any
/// service — and any standard JWT library — can verify a token locally.
public struct TokenSigner: Sendable {
    public let keys: TokenKeys
    /// How far clocks may disagree: a token is accepted this long after `exp`, and one whose
    /// `iat` lies up to this far in the future.
    public let leeway: TimeInterval
    /// Tokens whose signature and claims were checked before (see `VerifiedTokens`).
    let verified: VerifiedTokens
    /// Each user's cut-off, if the service knows them: a token issued before it is refused.
    public var revocation: (any TokenRevocation)?

    public init(keys: TokenKeys, leeway: TimeInterval = 30, remembering capacity: Int = 10_000) {
        self.keys = keys
        self.leeway = leeway
        verified = VerifiedTokens(capacity: capacity)
    }

    struct Header: Codable {
        let alg: String
        let typ: String?
        let kid: String?
    }

    /// A signed token for `claims`, with the first key.
    public func sign(_ claims: TokenClaims) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let key = keys.signing
        let header = Base64URL.encode(try encoder.encode(Header(alg: "HS256", typ: "JWT", kid: key.id)))
        let payload = Base64URL.encode(try encoder.encode(claims))
        let signingInput = header + "." + payload
        let signature = HMAC<SHA256>.authenticationCode(for: Array(signingInput.utf8), using: key.key)
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// A token for `subject` valid for `lifetime` from `now`.
    public func issue(subject: UUID, role: Role, now: Date = Date(), lifetime: TimeInterval) throws -> (token: String, claims: TokenClaims)
    {
        let claims = TokenClaims(subject: subject, role: role, issuedAt: now, expiresAt: now.addingTimeInterval(lifetime))
        return (try sign(claims), claims)
    }

    /// The claims of a token this system signed and that is valid at `now`.
    public func verify(_ token: String, now: Date = Date()) throws(TokenError) -> TokenClaims {
        if let claims = verified[token] {
            try checkTimes(claims, now: now)
            return claims
        }
        let claims = try verifyAfresh(token)
        try checkTimes(claims, now: now)
        verified.remember(token, claims)
        return claims
    }

    /// Signature, algorithm, key and issuer: what does not change with time.
    private func verifyAfresh(_ token: String) throws(TokenError) -> TokenClaims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]),
            let payloadBytes = Base64URL.decode(parts[1]), let signature = Base64URL.decode(parts[2])
        else { throw .malformed }
        guard let header = try? JSONDecoder().decode(Header.self, from: Data(headerBytes)) else { throw .malformed }
        guard header.alg == "HS256" else { throw .unsupportedAlgorithm(header.alg) }
        guard let keyID = header.kid, let key = keys.key(id: keyID) else { throw .unknownKey(header.kid ?? "(none)") }
        let signingInput = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signingInput, using: key.key) else {
            throw .badSignature
        }
        guard let claims = try? JSONDecoder().decode(TokenClaims.self, from: Data(payloadBytes)) else { throw .malformed }
        guard claims.iss == TokenClaims.issuer else { throw .wrongIssuer }
        return claims
    }

    private func checkTimes(_ claims: TokenClaims, now: Date) throws(TokenError) {
        let time = now.timeIntervalSince1970
        guard TimeInterval(claims.exp) + leeway > time else { throw .expired }
        guard claims.iat - leeway <= time else { throw .notYetValid }
        if revocation?.revokes(claims) == true { throw .revoked }
    }
}

/// Where a service keeps each user's cut-off (docs/auth.md, "Revocation"): the time before which
/// that user's tokens are no longer accepted, because their account was deactivated or given
/// another role then.
public protocol TokenRevocation: Sendable {
    func cutoff(for user: UUID) -> Date?
}

extension TokenRevocation {
    /// Whether a token with `claims` is refused: issued before its user's cut-off.
    public func revokes(_ claims: TokenClaims) -> Bool {
        cutoff(for: claims.sub).map { claims.issuedAt < $0 } ?? false
    }
}
