import Crypto
import EventContracts
import Foundation
import Testing

@testable import Tokens

@Suite struct TokenSignerTests {
    let current = "k2:" + String(repeating: "n", count: 40)
    let previous = "k1:" + String(repeating: "o", count: 40)
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let user = UUID()

    func signer(_ secrets: String) throws -> TokenSigner { TokenSigner(keys: try TokenKeys(parsing: secrets)) }

    func segments(_ token: String) -> [String] { token.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }

    func json(_ segment: String) throws -> [String: Any] {
        let bytes = try #require(Base64URL.decode(Substring(segment)))
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test func issuesTheDocumentedHeaderAndClaims() throws {
        let (token, claims) = try signer(current).issue(subject: user, role: .admin, now: now, lifetime: 900)
        let parts = segments(token)
        #expect(parts.count == 3)
        let header = try json(parts[0])
        #expect(header["alg"] as? String == "HS256")
        #expect(header["typ"] as? String == "JWT")
        #expect(header["kid"] as? String == "k2")
        let payload = try json(parts[1])
        #expect(payload["sub"] as? String == user.uuidString)
        #expect(payload["role"] as? String == "ADMIN")
        #expect(payload["iss"] as? String == "orchestrator")
        #expect(payload["iat"] as? Int == 1_800_000_000)
        #expect(payload["exp"] as? Int == 1_800_000_900)
        #expect(claims.expiresAt == now.addingTimeInterval(900))
    }

    @Test func theSignatureIsPlainHMACSHA256OverTheFirstTwoSegments() throws {
        let token = try signer(current).issue(subject: user, role: .employee, now: now, lifetime: 60).token
        let parts = segments(token)
        let expected = HMAC<SHA256>.authenticationCode(
            for: Array((parts[0] + "." + parts[1]).utf8), using: SymmetricKey(data: Array(String(repeating: "n", count: 40).utf8))
        )
        #expect(parts[2] == Base64URL.encode(expected))
    }

    @Test func verifiesItsOwnTokens() throws {
        let signer = try signer(current)
        let token = try signer.issue(subject: user, role: .employee, now: now, lifetime: 900).token
        let claims = try signer.verify(token, now: now.addingTimeInterval(899))
        #expect(claims.sub == user)
        #expect(claims.role == .employee)
    }

    @Test func aTamperedPayloadIsRefused() throws {
        let signer = try signer(current)
        var parts = segments(try signer.issue(subject: user, role: .employee, now: now, lifetime: 900).token)
        var payload = try json(parts[1])
        payload["role"] = "ADMIN"
        parts[1] = Base64URL.encode(try JSONSerialization.data(withJSONObject: payload))
        #expect(throws: TokenError.badSignature) { try signer.verify(parts.joined(separator: "."), now: now) }
    }

    @Test func aTokenSignedWithAnotherSecretIsRefused() throws {
        let forger = try signer("k2:" + String(repeating: "x", count: 40))
        let token = try forger.issue(subject: user, role: .admin, now: now, lifetime: 900).token
        #expect(throws: TokenError.badSignature) { try signer(current).verify(token, now: now) }
    }

    @Test func anExpiredTokenIsRefusedAfterTheLeeway() throws {
        let signer = try signer(current)
        let token = try signer.issue(subject: user, role: .employee, now: now, lifetime: 900).token
        #expect(try signer.verify(token, now: now.addingTimeInterval(900 + 29)).sub == user)
        #expect(throws: TokenError.expired) { try signer.verify(token, now: now.addingTimeInterval(900 + 31)) }
    }

    @Test func aTokenFromTheFutureIsRefused() throws {
        let signer = try signer(current)
        let token = try signer.issue(subject: user, role: .employee, now: now.addingTimeInterval(120), lifetime: 900).token
        #expect(throws: TokenError.notYetValid) { try signer.verify(token, now: now) }
    }

    @Test func algNoneIsRefused() throws {
        let header = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT","kid":"k2"}"#.utf8))
        let valid = segments(try signer(current).issue(subject: user, role: .admin, now: now, lifetime: 900).token)
        for token in ["\(header).\(valid[1]).", "\(header).\(valid[1]).\(valid[2])"] {
            #expect(throws: TokenError.unsupportedAlgorithm("none")) { try signer(current).verify(token, now: now) }
        }
    }

    @Test func otherAlgorithmsAreRefused() throws {
        let header = Base64URL.encode(Array(#"{"alg":"HS512","typ":"JWT","kid":"k2"}"#.utf8))
        let valid = segments(try signer(current).issue(subject: user, role: .admin, now: now, lifetime: 900).token)
        #expect(throws: TokenError.unsupportedAlgorithm("HS512")) {
            try signer(current).verify("\(header).\(valid[1]).\(valid[2])", now: now)
        }
    }

    @Test func anUnknownKeyIdIsRefused() throws {
        let other = try signer("k9:" + String(repeating: "n", count: 40))
        let token = try other.issue(subject: user, role: .admin, now: now, lifetime: 900).token
        #expect(throws: TokenError.unknownKey("k9")) { try signer(current).verify(token, now: now) }
    }

    @Test func aTokenSignedWithThePreviousKeyVerifiesWhileThatKeyIsConfigured() throws {
        let old = try signer(previous).issue(subject: user, role: .employee, now: now, lifetime: 900).token
        let rotated = try signer("\(current),\(previous)")
        #expect(try rotated.verify(old, now: now).sub == user)
        #expect(segments(try rotated.issue(subject: user, role: .employee, now: now, lifetime: 900).token)[0] != segments(old)[0])
        #expect(throws: TokenError.unknownKey("k1")) { try signer(current).verify(old, now: now) }
    }

    @Test(arguments: ["", "a.b", "a.b.c.d", "%%%.e30.sig", "e30.e30.e30"])
    func garbageIsMalformed(token: String) throws {
        #expect(throws: TokenError.self) { try signer(current).verify(token, now: now) }
    }

    @Test(arguments: [
        "", "k1", "k1:short", "k1:" + String(repeating: "s", count: 31), ":" + String(repeating: "s", count: 40),
        "k 1:" + String(repeating: "s", count: 40),
        "k1:" + String(repeating: "s", count: 40) + ",k1:" + String(repeating: "t", count: 40),
    ])
    func unusableSecretsAreRefused(text: String) {
        #expect(throws: TokenKeys.InvalidKeys.self) { try TokenKeys(parsing: text) }
    }

    @Test func thirtyTwoBytesOfUTF8AreEnough() throws {
        // 16 two-byte characters: 32 bytes although only 16 characters.
        let keys = try TokenKeys(parsing: "k1:" + String(repeating: "é", count: 16))
        #expect(keys.signing.id == "k1")
    }

    @Test func aRememberedTokenIsStillCheckedForTimeAndAChangedOneIsVerifiedAfresh() throws {
        let signer = try signer(current)
        let (token, _) = try signer.issue(subject: user, role: .employee, now: now, lifetime: 900)
        _ = try signer.verify(token, now: now)
        #expect(signer.verified[token] != nil)
        #expect(throws: TokenError.expired) { try signer.verify(token, now: now.addingTimeInterval(900 + 31)) }
        #expect(throws: TokenError.notYetValid) { try signer.verify(token, now: now.addingTimeInterval(-31)) }
        // Another signature, still canonical base64url: its first character changed.
        var parts = segments(token)
        parts[2] = (parts[2].first == "A" ? "B" : "A") + parts[2].dropFirst()
        #expect(throws: TokenError.badSignature) { try signer.verify(parts.joined(separator: "."), now: now) }
        #expect(try signer.verify(token, now: now).sub == user)
    }

    struct Cutoffs: TokenRevocation {
        let byUser: [UUID: Date]
        func cutoff(for user: UUID) -> Date? { byUser[user] }
    }

    /// A token issued before its user's cut-off is refused — remembered or not — and one issued
    /// since, even a few milliseconds later, is good (docs/auth.md, "Revocation").
    @Test func aTokenIssuedBeforeItsUsersCutoffIsRevoked() throws {
        var signer = try signer(current)
        let change = now.addingTimeInterval(60.25)
        let (before, _) = try signer.issue(subject: user, role: .employee, now: change.addingTimeInterval(-0.004), lifetime: 900)
        let (after, claims) = try signer.issue(subject: user, role: .employee, now: change.addingTimeInterval(0.003), lifetime: 900)
        let (someoneElse, _) = try signer.issue(subject: UUID(), role: .employee, now: now, lifetime: 900)
        _ = try signer.verify(before, now: change)
        signer.revocation = Cutoffs(byUser: [user: change])
        #expect(throws: TokenError.revoked) { try signer.verify(before, now: change) }
        #expect(try signer.verify(after, now: change.addingTimeInterval(1)).sub == user)
        #expect(try signer.verify(someoneElse, now: change).sub != user)
        #expect(claims.iat == 1_800_000_060.253)
        #expect(try json(segments(after)[1])["iat"] as? Double == 1_800_000_060.253)
    }

    /// Tokens issued before `iat` had milliseconds (a whole number of seconds) still verify.
    @Test func aTokenWithWholeSecondsStillVerifies() throws {
        let signer = try signer(current)
        var claims = TokenClaims(subject: user, role: .admin, issuedAt: now, expiresAt: now.addingTimeInterval(900))
        claims.iat = 1_800_000_000
        let token = try signer.sign(claims)
        #expect(String(decoding: Base64URL.decode(Substring(segments(token)[1]))!, as: UTF8.self).contains("\"iat\":1800000000"))
        #expect(try signer.verify(token, now: now).issuedAt == now)
    }

    @Test func theRememberedTokensAreBounded() throws {
        let signer = TokenSigner(keys: try TokenKeys(parsing: current), remembering: 2)
        for _ in 0..<5 {
            _ = try signer.verify(try signer.issue(subject: UUID(), role: .employee, now: now, lifetime: 900).token, now: now)
        }
        #expect(signer.verified.count <= 2)
    }

    @Test func base64URLAgreesWithFoundationForEveryLength() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let expected = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == expected)
            #expect(Base64URL.decode(Substring(expected)) == bytes)
        }
    }

    @Test(arguments: ["a", "abcde", "ab=", "ab+/", "a b", "ébcd", "AB", "ABC"])
    func base64URLRefusesWhatIsNotCanonical(text: String) {
        // "AB" and "ABC" leave stray bits in their last character.
        #expect(Base64URL.decode(Substring(text)) == nil)
    }
}
