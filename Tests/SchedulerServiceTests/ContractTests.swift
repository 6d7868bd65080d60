import RouteTesting
import SchedulerAPI
import ServiceRuntime
import Testing

@testable import SchedulerService

/// The scheduler service held to Services/scheduler/openapi.yaml (docs/api.md, "How the documents are kept true").
@Suite struct ContractTests {
    @Test func theRouterAnswersExactlyWhatTheDocumentDeclares() throws {
        let contract = try #require(try RouteContract.of(SchedulerService.descriptor, setUp: SchedulerService.setUp))
        #expect(contract.undeclared == [], "routed, not in Services/scheduler/openapi.yaml")
        #expect(contract.unrouted == [], "in Services/scheduler/openapi.yaml, not routed")
    }

    @Test func itsDefaultsAreThoseOfTheStackTable() throws {
        let entry = try #require(try StackTable.entry(of: "scheduler"), "compose/stack.conf has no line for scheduler")
        #expect(SchedulerService.descriptor.defaultPort == entry.defaultPort, "compose/stack.conf")
        #expect(SchedulerService.descriptor.usesRedis == entry.usesRedis, "compose/stack.conf")
    }

    @Test func theGeneratedClientIsOfTheServedDocument() throws {
        let document = try OpenAPIDocument.load(from: #require(SchedulerService.descriptor.resources))
        #expect(document.sha256 == SchedulerAPI.GeneratedFrom.documentSHA256, "the document changed: run Tools/openapi/generate")
    }
}
