import AuthAPI
import EventContracts
import Foundation
import HTTPTypes
import RouteTesting
import ServiceRuntime
import Testing

@testable import AuthService

/// `/api/auth/…` over the in-memory store: registration, login (and its throttle), refresh, the
/// caller's account, and the admin's account management — each answer and each refusal.
@Suite struct AuthRoutesTests {
    typealias UserBody = Components.Schemas.User

    /// The routes with a low bcrypt cost (the hash is real, only cheaper) and a throttle of 3.
    struct Harness {
        let store = InMemoryUserStore()
        let admin = RouteTesting.caller(.admin)
        let settings: AuthSettings

        init() throws {
            settings = try AuthSettings(
                EnvironmentReader([
                    "ORCH_AUTH_BCRYPT_COST": "4", "ORCH_AUTH_THROTTLE_USERNAME_LIMIT": "3", "ORCH_AUTH_TOKEN_LIFETIME": "600s",
                ]))
        }

        func run(_ test: @escaping @Sendable (RouteClient) async throws -> Void) async throws {
            let router = ServiceLauncher.router(for: "auth")
            AuthService.addRoutes(
                to: router, users: store, hasher: PasswordHasher(cost: settings.bcryptCost), signer: RouteTesting.signer, settings: settings
            )
            try await RouteTesting.test(router, test)
        }

        /// Registers `username` (password "correct horse") as an employee, or as `role` by the admin.
        @discardableResult
        func register(_ client: RouteClient, _ username: String, role: String? = nil) async throws -> UserBody {
            let body = Components.Schemas.RegisterRequest(
                capacity: 2, email: "\(username)@example.com", fullName: "\(username.capitalized) Example", password: "correct horse",
                role: role.flatMap { .init(rawValue: $0) }, skills: ["billing"], username: username)
            let reply = try await client.send(.post, "/api/auth/register", as: role == nil ? RouteTesting.anonymous : admin, body: body)
            #expect(reply.status == .created, "\(reply.text)")
            return try reply.decode(UserBody.self)
        }

        func login(_ client: RouteClient, _ username: String, _ password: String = "correct horse") async throws -> Reply {
            try await client.send(
                .post, "/api/auth/login", as: RouteTesting.anonymous,
                body: Components.Schemas.LoginRequest(password: password, username: username))
        }
    }

    @Test func theSignedInRoutesWantAValidToken() async throws {
        let harness = try Harness()
        let operations = try RouteTesting.operations(of: AuthService.descriptor)
        #expect(operations.count == 7)
        try await harness.run { client in
            for (method, uri) in operations where !uri.hasSuffix("/register") && !uri.hasSuffix("/login") {
                for caller in [RouteTesting.anonymous, RouteTesting.expired(.admin), RouteTesting.forged(.admin)] {
                    let reply = try await client.send(method, uri, as: caller, json: "{}")
                    #expect(reply.status == .unauthorized, "\(method) \(uri)")
                }
            }
        }
    }

    @Test func anyoneMayRegisterAnEmployeeAndNothingMore() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let user = try await harness.register(client, "ada")
            #expect(user.role == .employee)
            #expect(user.skills == ["billing"])
            #expect(!user.id.isEmpty)
            let body = #"{"username": "eve", "fullName": "Eve", "email": "eve@example.com", "password": "correct horse", "role": "ADMIN"}"#
            #expect(try await client.send(.post, "/api/auth/register", as: RouteTesting.anonymous, json: body).status == .forbidden)
            let employee = RouteTesting.caller(.employee)
            #expect(try await client.send(.post, "/api/auth/register", as: employee, json: body).status == .forbidden)
            let admin = try await harness.register(client, "grace", role: "ADMIN")
            #expect(admin.role == .admin)
        }
        #expect(harness.store.events == ["user.registered", "user.registered"])
    }

    @Test func registrationReportsEveryBadFieldAtOnce() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let reply = try await client.send(
                .post, "/api/auth/register", as: RouteTesting.anonymous,
                json: #"{"username": "a", "fullName": "", "email": "nope", "password": "short", "capacity": 0}"#)
            #expect(reply.status == .unprocessableContent)
            #expect(Set(reply.invalidFields) == ["username", "fullName", "email", "password", "capacity"])
            let malformed = try await client.send(.post, "/api/auth/register", as: RouteTesting.anonymous, json: "{")
            #expect(malformed.status == .badRequest)
            let wrongRole = try await client.send(
                .post, "/api/auth/register", as: harness.admin,
                json: #"{"username": "bob", "fullName": "Bob", "email": "bob@example.com", "password": "correct horse", "role": "OWNER"}"#)
            #expect([.badRequest, .unprocessableContent].contains(wrongRole.status))
        }
        #expect(harness.store.events.isEmpty)
    }

    @Test func aTakenUsernameOrEmailIsAConflict() async throws {
        let harness = try Harness()
        try await harness.run { client in
            try await harness.register(client, "ada")
            let again = try await client.send(
                .post, "/api/auth/register", as: RouteTesting.anonymous,
                json: #"{"username": "ada", "fullName": "Ada", "email": "other@example.com", "password": "correct horse"}"#)
            #expect(again.status == .conflict)
            #expect(again.error["field"] == "username")
            let email = try await client.send(
                .post, "/api/auth/register", as: RouteTesting.anonymous,
                json: #"{"username": "ada2", "fullName": "Ada", "email": "ada@example.com", "password": "correct horse"}"#)
            #expect(email.error["field"] == "email")
        }
    }

    @Test func loginIssuesATokenTheServicesAccept() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let user = try await harness.register(client, "ada")
            let reply = try await harness.login(client, "Ada")
            #expect(reply.status == .ok)
            let issued = try reply.decode(Components.Schemas.TokenResponse.self)
            #expect(issued.user.id == user.id)
            let claims = try RouteTesting.signer.verify(issued.token)
            #expect(claims.role == .employee)
            #expect(abs(issued.expiresAt.timeIntervalSinceNow - 600) < 5)
            let me = try await client.send(.get, "/api/auth/me", as: Caller(id: claims.sub, role: .employee, token: issued.token))
            #expect(try me.decode(UserBody.self).username == "ada")
        }
    }

    @Test func aWrongPasswordIsRefusedAndRepeatedOnesAreThrottled() async throws {
        let harness = try Harness()
        try await harness.run { client in
            try await harness.register(client, "ada")
            for _ in 0..<3 {
                let wrong = try await harness.login(client, "ada", "wrong horse")
                #expect(wrong.status == .unauthorized)
                #expect(wrong.code == "invalid_credentials")
            }
            let throttled = try await harness.login(client, "ada")
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.code == "throttled")
            #expect(Int(throttled.headers[.retryAfter] ?? "") ?? 0 > 0)
            let nobody = try await harness.login(client, "nobody", "whatever")
            #expect(nobody.status == .unauthorized)
        }
    }

    @Test func aDeactivatedAccountCannotLogInOrRefresh() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let user = try await harness.register(client, "ada")
            let token = try await harness.login(client, "ada").decode(Components.Schemas.TokenResponse.self).token
            let deactivated = try await client.send(.patch, "/api/auth/users/\(user.id)", as: harness.admin, json: #"{"active": false}"#)
            #expect(deactivated.status == .ok)
            #expect(try deactivated.decode(UserBody.self).active == false)
            let login = try await harness.login(client, "ada")
            #expect(login.status == .forbidden)
            #expect(login.code == "account_disabled")
            let id = try #require(UUID(uuidString: user.id))
            let refresh = try await client.send(.post, "/api/auth/refresh", as: Caller(id: id, role: .employee, token: token))
            #expect(refresh.code == "account_disabled")
        }
    }

    @Test func refreshIssuesAFreshTokenForAKnownAccountOnly() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let user = try await harness.register(client, "ada")
            let id = try #require(UUID(uuidString: user.id))
            let refreshed = try await client.send(.post, "/api/auth/refresh", as: RouteTesting.caller(.employee, id: id))
            #expect(refreshed.status == .ok)
            #expect(try RouteTesting.signer.verify(refreshed.decode(Components.Schemas.TokenResponse.self).token).sub == id)
            let ghost = try await client.send(.post, "/api/auth/refresh", as: RouteTesting.caller(.employee))
            #expect(ghost.status == .unauthorized)
            #expect(try await client.send(.get, "/api/auth/me", as: RouteTesting.caller(.employee)).status == .notFound)
        }
    }

    @Test func anAccountIsSeenByItsOwnerAndByAdmins() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let ada = try await harness.register(client, "ada")
            let owner = RouteTesting.caller(.employee, id: try #require(UUID(uuidString: ada.id)))
            #expect(try await client.send(.get, "/api/auth/users/\(ada.id)", as: owner).status == .ok)
            #expect(
                try await client.send(.get, "/api/auth/users/\(ada.id)", as: harness.admin).decode(UserBody.self).email == "ada@example.com"
            )
            #expect(try await client.send(.get, "/api/auth/users/\(ada.id)", as: RouteTesting.caller(.employee)).status == .forbidden)
            #expect(try await client.send(.get, "/api/auth/users/\(UUID())", as: harness.admin).status == .notFound)
            #expect(try await client.send(.get, "/api/auth/users/ada", as: harness.admin).status == .badRequest)
        }
    }

    @Test func theAdminListsAccountsByRoleAndActivity() async throws {
        let harness = try Harness()
        try await harness.run { client in
            for name in ["ada", "bob", "cyd"] { try await harness.register(client, name) }
            try await harness.register(client, "grace", role: "ADMIN")
            let employees = try await client.send(.get, "/api/auth/users?role=employee&size=2", as: harness.admin)
            #expect(employees.status == .ok)
            let page = try employees.decode(Components.Schemas.UserPage.self)
            #expect(page.total == 3)
            #expect(page.items.map(\.username) == ["ada", "bob"])
            #expect(
                try await client.send(.get, "/api/auth/users?active=false", as: harness.admin).decode(Components.Schemas.UserPage.self)
                    .total == 0)
            for (query, field) in [("role=OWNER", "role"), ("active=perhaps", "active"), ("size=500", "size")] {
                let bad = try await client.send(.get, "/api/auth/users?\(query)", as: harness.admin)
                #expect(bad.status == .unprocessableContent, "\(query)")
                #expect(bad.error["field"] == field)
            }
            #expect(try await client.send(.get, "/api/auth/users", as: RouteTesting.caller(.employee)).status == .forbidden)
        }
    }

    @Test func theAdminChangesAnAccountButNeverLocksThemselvesOut() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let ada = try await harness.register(client, "ada")
            let changed = try await client.send(
                .patch, "/api/auth/users/\(ada.id)", as: harness.admin, json: #"{"skills": ["billing", "support"], "capacity": 3}"#)
            #expect(changed.status == .ok)
            let user = try changed.decode(UserBody.self)
            #expect(user.skills == ["billing", "support"])
            #expect(user.capacity == 3)
            let bad = try await client.send(.patch, "/api/auth/users/\(ada.id)", as: harness.admin, json: #"{"capacity": 0}"#)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.error["field"] == "capacity")
            let me = try await client.send(.patch, "/api/auth/users/\(harness.admin.id)", as: harness.admin, json: #"{"active": false}"#)
            #expect(me.status == .unprocessableContent)
            #expect(me.error["field"] == "active")
            let demoted = try await client.send(
                .patch, "/api/auth/users/\(harness.admin.id)", as: harness.admin, json: #"{"role": "EMPLOYEE"}"#)
            #expect(demoted.error["field"] == "role")
            #expect(try await client.send(.patch, "/api/auth/users/\(UUID())", as: harness.admin, json: "{}").status == .notFound)
            let employee = RouteTesting.caller(.employee, id: try #require(UUID(uuidString: ada.id)))
            #expect(
                try await client.send(.patch, "/api/auth/users/\(ada.id)", as: employee, json: #"{"capacity": 9}"#).status == .forbidden)
        }
        #expect(harness.store.events == ["user.registered", "user.updated"])
        // Skills and capacity leave tokens as they are; a deactivation or another role does not.
        #expect(harness.store.cutoffs.isEmpty)
    }

    @Test func aDeactivationOrAnotherRoleRevokesTheUsersEarlierTokens() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let ada = try await harness.register(client, "ada")
            let id = try #require(UUID(uuidString: ada.id))
            let before = Date.nowToTheMillisecond
            #expect(
                try await client.send(.patch, "/api/auth/users/\(ada.id)", as: harness.admin, json: #"{"active": false}"#).status == .ok)
            let first = try #require(harness.store.cutoffs[id])
            #expect(first >= before)
            let promoted = try await client.send(.patch, "/api/auth/users/\(ada.id)", as: harness.admin, json: #"{"role": "ADMIN"}"#)
            #expect(promoted.status == .ok)
            #expect(try #require(harness.store.cutoffs[id]) >= first)
        }
    }
}
