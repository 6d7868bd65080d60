import AuthAPI
import EventContracts
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceRuntime
import Tokens

/// `/api/auth/…`: registration, login, refresh, the caller's own account, and the admin's
/// account management.
struct AuthController<Users: UserStore>: Sendable {
    let users: Users
    let hasher: PasswordHasher
    let signer: TokenSigner
    let settings: AuthSettings

    func addRoutes(to router: Router<ServiceRequestContext>) {
        let open = router.group("/api/auth")
        open.post("register", use: register)
        open.post("login", use: login)
        let signedIn = router.group("/api/auth").add(middleware: BearerTokenMiddleware(signer: signer))
        signedIn.post("refresh", use: refresh)
        signedIn.get("me", use: me)
        signedIn.get("users/:id", use: user)
        let admin = router.group("/api/auth/users").add(middleware: BearerTokenMiddleware(signer: signer, requiring: .admin))
        admin.get(use: list)
        admin.patch(":id", use: update)
    }

    @Sendable func register(request: Request, context: ServiceRequestContext) async throws -> EditedResponse<Documented.User> {
        let body = try await request.decodeJSON(as: Documented.RegisterRequest.self)
        let role = try Role.given(body.role)
        // Anyone may register an employee; only an admin may choose a role.
        if role != nil {
            guard request.headers[.authorization] != nil else { throw APIError.forbidden }
            guard try BearerTokenMiddleware.identity(of: request, signer: signer).isAdmin else { throw APIError.forbidden }
        }
        let now = Date.nowToTheMillisecond
        // Every field is checked, and every problem reported at once: a form shows them together.
        var problems: [APIError.FieldError] = []
        func checked<T>(_ rule: () throws(UserValidation.Violation) -> T) -> T? {
            do {
                return try rule()
            } catch {
                problems.append(.init(field: error.field, message: error.message))
                return nil
            }
        }
        let username = checked { () throws(UserValidation.Violation) in try UserValidation.username(body.username) }
        let fullName = checked { () throws(UserValidation.Violation) in try UserValidation.fullName(body.fullName) }
        let email = checked { () throws(UserValidation.Violation) in try UserValidation.email(body.email) }
        _ = checked { () throws(UserValidation.Violation) in try UserValidation.password(body.password) }
        let capacity = checked { () throws(UserValidation.Violation) in try UserValidation.capacity(body.capacity ?? 1) }
        let skills = try SkillList.validated(body.skills ?? [], field: "skills")
        guard problems.isEmpty, let username, let fullName, let email, let capacity else { throw APIError.invalid(problems) }
        let user = User(
            id: UUID.random(), username: username, fullName: fullName, email: email, role: role ?? .employee,
            skills: skills, capacity: capacity, active: true, createdAt: now, updatedAt: now
        )
        do {
            try await users.insert(user, passwordHash: try await hasher.hash(body.password), correlationId: UUID.random())
        } catch let duplicate as DuplicateUser {
            throw APIError.conflict("\(duplicate.field) is already taken", details: ["field": duplicate.field])
        }
        return EditedResponse(status: .created, response: user.body)
    }

    @Sendable func login(request: Request, context: ServiceRequestContext) async throws -> Documented.TokenResponse {
        let body = try await request.decodeJSON(as: Documented.LoginRequest.self)
        let client = Self.clientAddress(request, context)
        let failures = try await users.failures(username: body.username, client: client, window: settings.throttle.window)
        if let retryAfter = settings.throttle.retryAfter(usernameFailures: failures.username, clientFailures: failures.client) {
            LoginMetrics.throttled.increment()
            throw APIError(
                .tooManyRequests, code: "throttled",
                message: "too many failed logins; try again in \(LoginThrottle.waitText(seconds: retryAfter))",
                details: ["retryAfter": String(retryAfter)], headers: [.retryAfter: String(retryAfter)]
            )
        }
        let found = try await users.find(username: body.username)
        guard try await hasher.verify(body.password, against: found?.1), let (user, _) = found else {
            try await users.recordFailure(username: body.username, client: client)
            LoginMetrics.failed.increment()
            throw APIError(.unauthorized, code: "invalid_credentials", message: "wrong username or password")
        }
        guard user.active else {
            LoginMetrics.disabled.increment()
            throw APIError(.forbidden, code: "account_disabled", message: "this account is deactivated")
        }
        try await users.clearFailures(username: user.username, olderThan: settings.throttle.window)
        LoginMetrics.succeeded.increment()
        return try issue(for: user)
    }

    @Sendable func refresh(request: Request, context: ServiceRequestContext) async throws -> Documented.TokenResponse {
        let identity = try context.requireIdentity()
        guard let user = try await users.find(id: identity.userId) else { throw APIError.unauthenticated }
        guard user.active else { throw APIError(.forbidden, code: "account_disabled", message: "this account is deactivated") }
        return try issue(for: user)
    }

    @Sendable func me(request: Request, context: ServiceRequestContext) async throws -> Documented.User {
        let identity = try context.requireIdentity()
        guard let user = try await users.find(id: identity.userId) else { throw APIError.notFound("user") }
        return user.body
    }

    @Sendable func user(request: Request, context: ServiceRequestContext) async throws -> Documented.User {
        let identity = try context.requireIdentity()
        let id = try Self.userId(context)
        guard identity.isAdmin || identity.userId == id else { throw APIError.forbidden }
        guard let user = try await users.find(id: id) else { throw APIError.notFound("user") }
        return user.body
    }

    @Sendable func list(request: Request, context: ServiceRequestContext) async throws -> Documented.UserPage {
        let query = request.uri.queryParameters
        let page = try request.integer("page", default: 0, in: 0...100_000)
        let size = try request.integer("size", default: 20, in: 1...100)
        var role: Role?
        if let text = query["role"] {
            guard let value = Role(rawValue: String(text).uppercased()) else {
                throw APIError.invalid("role", "role must be ADMIN or EMPLOYEE")
            }
            role = value
        }
        var active: Bool?
        if let text = query["active"] {
            guard let value = Bool(String(text).lowercased()) else { throw APIError.invalid("active", "active must be true or false") }
            active = value
        }
        let (items, total) = try await users.list(role: role, active: active, page: page, size: size)
        return Documented.UserPage(items: items.map(\.body), page: page, size: size, total: total)
    }

    @Sendable func update(request: Request, context: ServiceRequestContext) async throws -> Documented.User {
        let identity = try context.requireIdentity()
        let id = try Self.userId(context)
        let body = try await request.decodeJSON(as: Documented.UpdateUserRequest.self)
        let role = try Role.given(body.role)
        let skills = try body.skills.map { try SkillList.validated($0, field: "skills") }
        let capacity = try Self.validated { try body.capacity.map { try UserValidation.capacity($0) } }
        // An admin cannot lock themselves out.
        if id == identity.userId, body.active == false || role == .employee {
            throw APIError.invalid(body.active == false ? "active" : "role", "an admin cannot deactivate or demote themselves")
        }
        guard
            let user = try await users.update(
                id: id, role: role, skills: skills, capacity: capacity, active: body.active, correlationId: UUID.random()
            )
        else { throw APIError.notFound("user") }
        return user.body
    }

    private func issue(for user: User) throws -> Documented.TokenResponse {
        let (token, claims) = try signer.issue(subject: user.id, role: user.role, lifetime: settings.tokenLifetime.seconds)
        return Documented.TokenResponse(expiresAt: claims.expiresAt, token: token, user: user.body)
    }

    /// Runs validations, turning a violation into a 422 naming the field.
    static func validated<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let violation as UserValidation.Violation {
            throw APIError.invalid(violation.field, violation.message)
        }
    }

    static func userId(_ context: ServiceRequestContext) throws -> UUID {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else {
            throw APIError.malformed("the user id must be a UUID")
        }
        return id
    }

    /// The caller's address: the edge's `X-Forwarded-For` when the request came through it
    /// (from loopback), otherwise the peer's own address.
    static func clientAddress(_ request: Request, _ context: ServiceRequestContext) -> String {
        let peer = context.remoteAddress?.ipAddress ?? "unknown"
        if ["127.0.0.1", "::1"].contains(peer), let forwarded = request.headers[.xForwardedFor] {
            return forwarded.split(separator: ",").first.map { $0.trimmingSpaces } ?? peer
        }
        return peer
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
