import AuthAPI
import RouteTesting
import ServiceRuntime
import Testing

@testable import AuthService

/// The auth service held to Services/auth/openapi.yaml (docs/api.md, "How the documents are kept true").
@Suite struct ContractTests {
    @Test func theRouterAnswersExactlyWhatTheDocumentDeclares() throws {
        let contract = try #require(try RouteContract.of(AuthService.descriptor, setUp: AuthService.setUp))
        #expect(contract.undeclared == [], "routed, not in Services/auth/openapi.yaml")
        #expect(contract.unrouted == [], "in Services/auth/openapi.yaml, not routed")
    }

    @Test func itsDefaultsAreThoseOfTheStackTable() throws {
        let entry = try #require(try StackTable.entry(of: "auth"), "compose/stack.conf has no line for auth")
        #expect(AuthService.descriptor.defaultPort == entry.defaultPort, "compose/stack.conf")
        #expect(AuthService.descriptor.usesRedis == entry.usesRedis, "compose/stack.conf")
    }

    @Test func theGeneratedClientIsOfTheServedDocument() throws {
        let document = try OpenAPIDocument.load(from: #require(AuthService.descriptor.resources))
        #expect(document.sha256 == AuthAPI.GeneratedFrom.documentSHA256, "the document changed: run Tools/openapi/generate")
    }
}
