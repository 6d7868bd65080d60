import ServiceRuntime
import Testing

@testable import NotifierService

/// The notifier service's router against its openapi.yaml, both ways (docs/api.md, "The documents").
@Test func theRouterAnswersExactlyWhatTheDocumentDeclares() throws {
    let contract = try #require(try RouteContract.of(NotifierService.descriptor, setUp: NotifierService.setUp))
    #expect(contract.undeclared == [], "routed, not in Services/notifier/openapi.yaml")
    #expect(contract.unrouted == [], "in Services/notifier/openapi.yaml, not routed")
}
