import Hummingbird
import HummingbirdTesting
import Testing

@testable import ServiceRuntime

@Suite struct MethodNotAllowedTests {
    func application() throws -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: JSONErrorMiddleware())
        let document = try OpenAPIDocument(yaml: #"{"paths": {"/api/things/{id}": {"get": {}, "delete": {}}}}"#, common: "{}")
        OpenAPIController(document: document).addRoutes(to: router)
        router.get("/api/things/:id") { _, _ in "a thing" }
        router.delete("/api/things/:id") { _, _ in HTTPResponse.Status.noContent }
        return Application(router: router)
    }

    @Test func anUndeclaredMethodOnAKnownPathIs405WithAllow() async throws {
        try await application().test(.router) { client in
            try await client.execute(uri: "/api/things/7", method: .post) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "DELETE, GET")
                #expect(String(buffer: response.body).contains("method_not_allowed"))
            }
        }
    }

    @Test func declaredMethodsAndUnknownPathsAreUntouched() async throws {
        try await application().test(.router) { client in
            try await client.execute(uri: "/api/things/7", method: .get) { response in #expect(response.status == .ok) }
            try await client.execute(uri: "/api/elsewhere", method: .post) { response in #expect(response.status == .notFound) }
        }
    }
}
