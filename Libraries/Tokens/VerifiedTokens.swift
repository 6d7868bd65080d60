import Synchronization

/// Tokens this process has already verified, with their claims. A client sends the same token
/// with every request until it renews it; checking its signature and decoding it once is enough —
/// the keys cannot change while the process runs. Times are still checked on every use. Bounded:
/// when full, it starts again empty.
final class VerifiedTokens: Sendable {
    private let claims = Mutex<[String: TokenClaims]>([:])
    let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    subscript(token: String) -> TokenClaims? {
        claims.withLock { $0[token] }
    }

    func remember(_ token: String, _ verified: TokenClaims) {
        claims.withLock { claims in
            if claims.count >= capacity { claims.removeAll(keepingCapacity: true) }
            claims[token] = verified
        }
    }

    var count: Int { claims.withLock { $0.count } }
}
