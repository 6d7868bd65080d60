import Testing

@testable import AuthService

@Suite struct PasswordHasherTests {
    let hasher = PasswordHasher(cost: 4)

    @Test func verifiesTheRightPasswordOnly() async throws {
        let hash = try await hasher.hash("correct horse")
        #expect(hash.hasPrefix("$2"))
        #expect(try await hasher.verify("correct horse", against: hash))
        #expect(try await hasher.verify("correct horsE", against: hash) == false)
    }

    @Test func everyCharacterCountsBeyondBcrypts72Bytes() async throws {
        let stem = String(repeating: "é", count: 40)  // 80 bytes
        let hash = try await hasher.hash(stem + "one")
        #expect(try await hasher.verify(stem + "one", against: hash))
        #expect(try await hasher.verify(stem + "two", against: hash) == false)
    }

    @Test func anUnknownAccountNeverMatches() async throws {
        #expect(try await hasher.verify("anything", against: nil) == false)
    }

    @Test func theHashCarriesTheConfiguredCost() async throws {
        #expect(try await PasswordHasher(cost: 5).hash("x").hasPrefix("$2b$05$"))
    }
}
