import ServiceRuntime
import Testing

@testable import AnalyticsService

/// The analytics service's router against its openapi.yaml, both ways (docs/api.md, "The documents").
@Test func theRouterAnswersExactlyWhatTheDocumentDeclares() throws {
    let contract = try #require(try RouteContract.of(AnalyticsService.descriptor, setUp: AnalyticsService.setUp))
    #expect(contract.undeclared == [], "routed, not in Services/analytics/openapi.yaml")
    #expect(contract.unrouted == [], "in Services/analytics/openapi.yaml, not routed")
}
