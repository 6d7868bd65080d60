import AnalyticsAPI
import RouteTesting
import ServiceRuntime
import Testing

@testable import AnalyticsService

/// The analytics service held to Services/analytics/openapi.yaml (docs/api.md, "How the documents are kept true").
@Suite struct ContractTests {
    @Test func theRouterAnswersExactlyWhatTheDocumentDeclares() throws {
        let contract = try #require(try RouteContract.of(AnalyticsService.descriptor, setUp: AnalyticsService.setUp))
        #expect(contract.undeclared == [], "routed, not in Services/analytics/openapi.yaml")
        #expect(contract.unrouted == [], "in Services/analytics/openapi.yaml, not routed")
    }

    @Test func itsDefaultsAreThoseOfTheStackTable() throws {
        let entry = try #require(try StackTable.entry(of: "analytics"), "compose/stack.conf has no line for analytics")
        #expect(AnalyticsService.descriptor.defaultPort == entry.defaultPort, "compose/stack.conf")
        #expect(AnalyticsService.descriptor.usesRedis == entry.usesRedis, "compose/stack.conf")
    }

    @Test func theGeneratedClientIsOfTheServedDocument() throws {
        let document = try OpenAPIDocument.load(from: #require(AnalyticsService.descriptor.resources))
        #expect(document.sha256 == AnalyticsAPI.GeneratedFrom.documentSHA256, "the document changed: run Tools/openapi/generate")
    }
}
