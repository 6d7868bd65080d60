import EventContracts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ServiceRuntime
import Tokens

/// What a controller test needs to call a service's routes as a client would: tokens for callers
/// of either role (and broken ones), and replies read by name. The routes run on the service's
/// own router (`ServiceLauncher.router(for:)`) in process, over whatever stores the test gives
/// them (docs/architecture.md, "Tests").
public enum RouteTesting {
    /// The keys every controller test signs with.
    public static let signer = TokenSigner(keys: try! TokenKeys(parsing: "route-test:" + String(repeating: "k", count: 40)))

    /// A caller with a valid token for `role`.
    public static func caller(_ role: Role, id: UUID = UUID()) -> Caller {
        Caller(id: id, role: role, token: try! signer.issue(subject: id, role: role, lifetime: 3_600).token)
    }

    /// The same caller with a token that expired an hour ago.
    public static func expired(_ role: Role, id: UUID = UUID()) -> Caller {
        Caller(id: id, role: role, token: try! signer.issue(subject: id, role: role, now: Date() - 7_200, lifetime: 3_600).token)
    }

    /// A caller whose token is signed with a key this system does not have.
    public static func forged(_ role: Role, id: UUID = UUID()) -> Caller {
        let stranger = TokenSigner(keys: try! TokenKeys(parsing: "route-test:" + String(repeating: "x", count: 40)))
        return Caller(id: id, role: role, token: try! stranger.issue(subject: id, role: role, lifetime: 3_600).token)
    }

    /// Nobody: no Authorization header.
    public static let anonymous = Caller(id: UUID(), role: .employee, token: nil)

    /// Runs `test` against `router` in process.
    public static func test(
        _ router: Router<ServiceRequestContext>, _ test: @escaping @Sendable (RouteClient) async throws -> Void
    ) async throws {
        try await Application(router: router).test(.router) { client in try await test(RouteClient(client: client)) }
    }
}

/// Who calls: their id, role and bearer token (nil: none sent).
public struct Caller: Sendable {
    public let id: UUID
    public let role: Role
    public let token: String?

    public init(id: UUID, role: Role, token: String?) {
        self.id = id
        self.role = role
        self.token = token
    }
}

/// Sends requests to the routes under test.
public struct RouteClient: Sendable {
    let client: any TestClientProtocol

    /// `method uri` as `caller`, with `json` as the body when given (a string, sent as is, or
    /// an `Encodable`, encoded as the services encode).
    public func send(
        _ method: HTTPRequest.Method, _ uri: String, as caller: Caller, json: String? = nil, headers: HTTPFields = [:]
    ) async throws -> Reply {
        var fields = headers
        if let token = caller.token { fields[.authorization] = "Bearer \(token)" }
        if json != nil { fields[.contentType] = "application/json" }
        let response = try await client.executeRequest(
            uri: uri, method: method, headers: fields, body: json.map { ByteBuffer(string: $0) })
        return Reply(status: response.status, headers: response.headers, body: Data(buffer: response.body))
    }

    public func send(
        _ method: HTTPRequest.Method, _ uri: String, as caller: Caller, body: some Encodable, headers: HTTPFields = [:]
    ) async throws -> Reply {
        let json = String(decoding: try EventCoding.encoder().encode(body), as: UTF8.self)
        return try await send(method, uri, as: caller, json: json, headers: headers)
    }
}

/// A response, read by name.
public struct Reply: Sendable {
    public let status: HTTPResponse.Status
    public let headers: HTTPFields
    public let body: Data

    /// The body as `type`, decoded as the services encode (times in RFC 3339 with milliseconds).
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try EventCoding.decoder().decode(type, from: body)
    }

    /// The `error` object of an error response: its code, message and details, as strings.
    public var error: [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let error = object["error"] as? [String: Any]
        else { return [:] }
        return error.compactMapValues { $0 as? String ?? ($0 as? NSNumber)?.stringValue }
    }

    /// The fields a 422 names, each problem of a form reported at once (`error.errors`) or the one
    /// (`error.field`).
    public var invalidFields: [String] {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let error = object["error"] as? [String: Any]
        else { return [] }
        if let errors = error["errors"] as? [[String: Any]] { return errors.compactMap { $0["field"] as? String } }
        return (error["field"] as? String).map { [$0] } ?? []
    }

    /// The error's code ("unauthenticated", "invalid_value", …), nil when the body has none.
    public var code: String? { error["code"] }

    public var text: String { String(decoding: body, as: UTF8.self) }
}

extension RouteTesting {
    /// Every operation of its own (under `/api/`, but not the runtime's `/api/dead-letters/…`,
    /// which every service shares and the black-box tests check) that `descriptor`'s document
    /// declares, with each path parameter filled by a fresh UUID: for the checks that hold on
    /// every route (a token is required, …).
    public static func operations(of descriptor: ServiceDescriptor) throws -> [(method: HTTPRequest.Method, uri: String)] {
        guard let resources = descriptor.resources else { return [] }
        let own = try OpenAPIDocument.load(from: resources).routes.filter { $0.contains(" /api/") && !$0.contains(" /api/dead-letters/") }
        return own.map { operation in
            let parts = operation.split(separator: " ", maxSplits: 1)
            let uri = parts[1].split(separator: "/", omittingEmptySubsequences: false)
                .map { $0.hasPrefix("{") ? UUID().uuidString : String($0) }.joined(separator: "/")
            return (HTTPRequest.Method(String(parts[0]))!, uri)
        }
    }
}
