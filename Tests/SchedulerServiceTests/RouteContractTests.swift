import ServiceRuntime
import Testing

@testable import SchedulerService

/// The scheduler service's router against its openapi.yaml, both ways (docs/api.md, "The documents").
@Test func theRouterAnswersExactlyWhatTheDocumentDeclares() throws {
    let contract = try #require(try RouteContract.of(SchedulerService.descriptor, setUp: SchedulerService.setUp))
    #expect(contract.undeclared == [], "routed, not in Services/scheduler/openapi.yaml")
    #expect(contract.unrouted == [], "in Services/scheduler/openapi.yaml, not routed")
}
