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

    /// A role as a request gives it (each request type has its own generated enum of the same
    /// values): nil when left out or null; ADMIN or EMPLOYEE, nothing else.
    static func given<Given: RawRepresentable<String>>(_ role: Given?) throws -> Role? {
        try role.map { given in
            guard let role = Role(rawValue: given.rawValue) else { throw APIError.invalid("role", "role must be ADMIN or EMPLOYEE") }
            return role
        }
    }
}
