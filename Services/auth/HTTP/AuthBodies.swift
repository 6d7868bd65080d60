import AuthAPI
import EventContracts
import Hummingbird
import ServiceRuntime

// The bodies of the auth API are the types generated from Services/auth/openapi.yaml
// (docs/api.md): requests are decoded into them, responses built from them, so a field renamed or
// retyped in the document fails to compile here instead of drifting from it.

typealias Documented = Components.Schemas

extension Documented.User: ResponseEncodable {}
extension Documented.TokenResponse: ResponseEncodable {}
extension Documented.UserPage: ResponseEncodable {}

extension User {
    var body: Documented.User {
        Documented.User(
            active: active, capacity: capacity, createdAt: createdAt, email: email, fullName: fullName, id: id.uuidString,
            role: role.body, skills: skills, updatedAt: updatedAt, username: username
        )
    }
}

extension Role {
    var body: Documented.Role {
        switch self {
        case .admin: .admin
        case .employee: .employee
        }
    }

    /// A role as a request gives it: nil when left out or null; ADMIN or EMPLOYEE, nothing else.
    static func given(_ role: Documented.RegisterRequest.RolePayload?) throws -> Role? {
        try role.map { try given(rawValue: $0.rawValue) }
    }

    static func given(_ role: Documented.UpdateUserRequest.RolePayload?) throws -> Role? {
        try role.map { try given(rawValue: $0.rawValue) }
    }

    private static func given(rawValue: String) throws -> Role {
        guard let role = Role(rawValue: rawValue) else { throw APIError.invalid("role", "role must be ADMIN or EMPLOYEE") }
        return role
    }
}
