import ServiceRuntime

/// The auth service's own knobs (`ORCH_AUTH_*`).
struct AuthSettings: Sendable {
    var bcryptCost: UInt8
    var tokenLifetime: Duration
    var throttle: LoginThrottle
    /// `username:password` of the first admin, created at start-up if missing.
    var bootstrapAdmin: (username: String, password: String)?

    init(_ environment: EnvironmentReader) throws {
        bcryptCost = UInt8(try environment.integer("ORCH_AUTH_BCRYPT_COST", default: 10, in: 4...31))
        tokenLifetime = try environment.duration("ORCH_AUTH_TOKEN_LIFETIME", default: .seconds(900), in: .seconds(10)...(.seconds(86_400)))
        throttle = LoginThrottle(
            perUsername: try environment.integer("ORCH_AUTH_THROTTLE_USERNAME_LIMIT", default: 5, in: 1...1_000),
            perClient: try environment.integer("ORCH_AUTH_THROTTLE_CLIENT_LIMIT", default: 50, in: 1...100_000),
            window: try environment.duration("ORCH_AUTH_THROTTLE_WINDOW", default: .seconds(900), in: .seconds(1)...(.seconds(86_400)))
        )
        if let text = environment.optionalString("ORCH_AUTH_BOOTSTRAP_ADMIN") {
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, (try? UserValidation.username(parts[0])) != nil, (try? UserValidation.password(parts[1])) != nil else {
                throw ConfigurationError(
                    variable: "ORCH_AUTH_BOOTSTRAP_ADMIN", value: parts.first.map { "\($0):***" } ?? "***",
                    problem: "expected username:password (username 3–64 of a–z 0–9 . _ -, password 8–128 characters)"
                )
            }
            bootstrapAdmin = (parts[0], parts[1])
        }
    }
}
