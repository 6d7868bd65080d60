import Foundation
import Hummingbird
import Testing

@testable import ServiceRuntime

@Suite struct OpenAPIDocumentTests {
    let common = """
        paths:
          /health/live:
            get:
              responses: {'200': {description: Live}}
        components:
          schemas:
            Error: {type: object}
          responses:
            NotFound:
              description: Not found
              content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}
        """

    func served(_ document: OpenAPIDocument) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(document.json.utf8)) as? [String: Any])
    }

    @Test func referencesIntoTheCommonFileBecomeLocalAndItsPartsAreCopiedIn() throws {
        let document = try OpenAPIDocument(
            yaml: """
                openapi: 3.1.0
                paths:
                  /api/things/{id}:
                    get:
                      responses:
                        '200': {description: A thing, content: {application/json: {schema: {$ref: '#/components/schemas/Thing'}}}}
                        '404': {$ref: '../../Libraries/ServiceRuntime/OpenAPI/common.yaml#/components/responses/NotFound'}
                components:
                  schemas:
                    Thing: {type: object, properties: {due: {type: string, example: 2026-12-01}}}
                """, common: common)
        let json = try served(document)
        let paths = try #require(json["paths"] as? [String: Any])
        #expect(Set(paths.keys) == ["/api/things/{id}", "/health/live"])
        #expect(!document.json.contains("common.yaml"))
        #expect(document.json.contains(##""$ref":"#/components/responses/NotFound""##))
        let components = try #require(json["components"] as? [String: [String: Any]])
        #expect(Set(components["schemas"]?.keys.map { $0 } ?? []) == ["Error", "Thing"])
        #expect(components["responses"]?["NotFound"] != nil)
        // YAML reads an unquoted date as a timestamp; JSON keeps it as text.
        #expect(document.json.contains(#""example":"2026-12-01"#))
        #expect(Set(document.routes) == ["GET /api/things/{id}", "GET /health/live"])
    }

    @Test(arguments: [
        (
            "paths: {/x: {get: {responses: {'200': {$ref: 'other.yaml#/components/responses/Ok'}}}}}",
            OpenAPIDocument.BundlingError.foreignReference("other.yaml#/components/responses/Ok")
        ),
        ("paths: {/x: {get: {responses: {'200': {$ref: 'common.yaml'}}}}}", .foreignReference("common.yaml")),
        ("paths: {/health/live: {get: {}}}", .definedTwice("paths./health/live")),
        ("components: {schemas: {Error: {type: string}}}", .definedTwice("components.schemas.Error")),
    ])
    func aDocumentThatCannotStandAloneIsRefused(yaml: String, error: OpenAPIDocument.BundlingError) {
        #expect(throws: error) { try OpenAPIDocument(yaml: yaml, common: common) }
    }

    @Test(arguments: ["paths: [unclosed", "- a list", ""])
    func unreadableYAMLIsRefused(yaml: String) {
        #expect(throws: OpenAPIDocument.BundlingError.self) { try OpenAPIDocument(yaml: yaml, common: common) }
    }

    @Test func routesAreComparedBothWays() throws {
        let router = Router()
        router.get("/api/things/:id") { _, _ in "a thing" }
        router.post("/api/things") { _, _ in "made" }
        let document = try OpenAPIDocument(
            yaml: """
                paths:
                  /api/things/{id}: {get: {}, delete: {}}
                """, common: "{}")
        let contract = RouteContract(router: router, document: document)
        #expect(contract.undeclared == ["POST /api/things"])
        #expect(contract.unrouted == ["DELETE /api/things/{id}"])
    }
}
