import ServiceRuntime
import Testing

@testable import TasksService

/// The tasks service's router against its openapi.yaml, both ways (docs/api.md, "The documents").
@Test func theRouterAnswersExactlyWhatTheDocumentDeclares() throws {
    let contract = try #require(try RouteContract.of(TasksService.descriptor, setUp: TasksService.setUp))
    #expect(contract.undeclared == [], "routed, not in Services/tasks/openapi.yaml")
    #expect(contract.unrouted == [], "in Services/tasks/openapi.yaml, not routed")
}
