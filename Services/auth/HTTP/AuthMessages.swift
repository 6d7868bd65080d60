import EventContracts
import Foundation
import Hummingbird
import ServiceRuntime

/// Request and response bodies of the auth API (camelCase, DESIGN §7).
struct RegisterRequest: Decodable {
    var username: String
    var password: String
    var fullName: String
    var email: String
    var role: Role?
    var skills: [String]?
    var capacity: WholeNumber?
}

struct LoginRequest: Decodable {
    var username: String
    var password: String
}

struct UpdateUserRequest: Decodable {
    var role: Role?
    var skills: [String]?
    var capacity: WholeNumber?
    var active: Bool?
}

struct TokenResponse: ResponseEncodable {
    var token: String
    var expiresAt: Date
    var user: User
}

struct UserPage: ResponseEncodable {
    var items: [User]
    var page: Int
    var size: Int
    var total: Int
}

extension User: ResponseEncodable {}
