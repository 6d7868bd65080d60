import ServiceRuntime
import Testing

@testable import AuthService

/// The auth service's router against its openapi.yaml, both ways (docs/api.md, "The documents").
@Test func theRouterAnswersExactlyWhatTheDocumentDeclares() throws {
    let contract = try #require(try RouteContract.of(AuthService.descriptor, setUp: AuthService.setUp))
    #expect(contract.undeclared == [], "routed, not in Services/auth/openapi.yaml")
    #expect(contract.unrouted == [], "in Services/auth/openapi.yaml, not routed")
}
