import Testing

@testable import ServiceRuntime

@Suite struct RouteCatalogueTests {
    let catalogue = RouteCatalogue(
        openAPI: """
            {"openapi": "3.1.0", "paths": {
              "/api/admin/tasks": {"get": {}, "post": {}},
              "/api/admin/tasks/{id}": {"get": {}, "parameters": []},
              "/api/admin/tasks/{id}/assign/{employeeId}": {"post": {}},
              "/api/admin/tasks/{id}/retry": {"post": {}},
              "/api/admin/tasks/bulk": {"post": {}}
            }}
            """)

    @Test func aLiteralPathHasItsDeclaredMethods() {
        #expect(catalogue.methods(for: "/api/admin/tasks") == ["GET", "POST"])
        #expect(catalogue.methods(for: "/api/admin/tasks?page=2") == ["GET", "POST"])
    }

    @Test func parametersMatchAnyOneNonEmptySegment() {
        #expect(catalogue.methods(for: "/api/admin/tasks/123") == ["GET"])
        #expect(catalogue.methods(for: "/api/admin/tasks/1/assign/2") == ["POST"])
        #expect(catalogue.methods(for: "/api/admin/tasks/1/assign") == nil)
    }

    @Test func aConcretePathIsMatchedBeforeATemplatedOne() {
        // "/api/admin/tasks/bulk" matches "/api/admin/tasks/{id}" too, whose GET it does not have.
        #expect(catalogue.methods(for: "/api/admin/tasks/bulk") == ["POST"])
        #expect(catalogue.methods(for: "/api/admin/tasks/bulky") == ["GET"])
        #expect(catalogue.methods(for: "/api/admin/tasks/abc/retry") == ["POST"])
    }

    @Test func unknownPathsAndUnreadableDocumentsDeclareNothing() {
        #expect(catalogue.methods(for: "/api/unknown") == nil)
        #expect(RouteCatalogue(openAPI: "not json").methods(for: "/api/admin/tasks") == nil)
    }
}
