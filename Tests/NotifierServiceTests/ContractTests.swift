import NotifierAPI
import RouteTesting
import ServiceRuntime
import Testing

@testable import NotifierService

/// The notifier service held to Services/notifier/openapi.yaml (docs/api.md, "How the documents are kept true").
@Suite struct ContractTests {
    @Test func theRouterAnswersExactlyWhatTheDocumentDeclares() throws {
        let contract = try #require(try RouteContract.of(NotifierService.descriptor, setUp: NotifierService.setUp))
        #expect(contract.undeclared == [], "routed, not in Services/notifier/openapi.yaml")
        #expect(contract.unrouted == [], "in Services/notifier/openapi.yaml, not routed")
    }

    @Test func itsDefaultsAreThoseOfTheStackTable() throws {
        let entry = try #require(try StackTable.entry(of: "notifier"), "compose/stack.conf has no line for notifier")
        #expect(NotifierService.descriptor.defaultPort == entry.defaultPort, "compose/stack.conf")
        #expect(NotifierService.descriptor.usesRedis == entry.usesRedis, "compose/stack.conf")
    }

    @Test func theGeneratedClientIsOfTheServedDocument() throws {
        let document = try OpenAPIDocument.load(from: #require(NotifierService.descriptor.resources))
        #expect(document.sha256 == NotifierAPI.GeneratedFrom.documentSHA256, "the document changed: run Tools/openapi/generate")
    }
}
