import Foundation

/// Keeps a session's token fresh for long runs (a simulation, `watch`): a minute before the
/// token expires it is traded for a new one (`POST /api/auth/refresh`). If the trade fails the
/// old token is used while it lasts, and the trade is tried again on the next request.
actor TokenRenewal {
    private var token: String
    private var expiresAt: Date
    private let base: String

    init(token: String, base: String) {
        self.token = token
        self.base = base
        expiresAt = Self.expiry(of: token) ?? .distantFuture
    }

    func current() async -> String {
        if expiresAt.timeIntervalSinceNow < 60, let fresh = try? await refreshed() {
            token = fresh
            expiresAt = Self.expiry(of: fresh) ?? .distantFuture
        }
        return token
    }

    private func refreshed() async throws -> String {
        try await APIClient(url: base, token: token).auth.refreshToken().ok.body.json.token
    }

    /// The `exp` claim of a JWT (read, not verified: the server verifies).
    static func expiry(of token: String) -> Date? {
        let parts = token.split(separator: ".")
        guard parts.count == 3 else { return nil }
        var text = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        struct Claims: Decodable { let exp: Double }
        guard let data = Data(base64Encoded: text), let claims = try? JSONDecoder().decode(Claims.self, from: data) else { return nil }
        return Date(timeIntervalSince1970: claims.exp)
    }
}
