import RouteTesting
import ServiceRuntime
import TasksAPI
import Testing

@testable import TasksService

/// The tasks service held to Services/tasks/openapi.yaml (docs/api.md, "How the documents are kept true").
@Suite struct ContractTests {
    @Test func theRouterAnswersExactlyWhatTheDocumentDeclares() throws {
        let contract = try #require(try RouteContract.of(TasksService.descriptor, setUp: TasksService.setUp))
        #expect(contract.undeclared == [], "routed, not in Services/tasks/openapi.yaml")
        #expect(contract.unrouted == [], "in Services/tasks/openapi.yaml, not routed")
    }

    @Test func itsDefaultsAreThoseOfTheStackTable() throws {
        let entry = try #require(try StackTable.entry(of: "tasks"), "compose/stack.conf has no line for tasks")
        #expect(TasksService.descriptor.defaultPort == entry.defaultPort, "compose/stack.conf")
        #expect(TasksService.descriptor.usesRedis == entry.usesRedis, "compose/stack.conf")
    }

    @Test func theGeneratedClientIsOfTheServedDocument() throws {
        let document = try OpenAPIDocument.load(from: #require(TasksService.descriptor.resources))
        #expect(document.sha256 == TasksAPI.GeneratedFrom.documentSHA256, "the document changed: run Tools/openapi/generate")
    }
}
