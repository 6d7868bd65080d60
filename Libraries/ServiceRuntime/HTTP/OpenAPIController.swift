import Hummingbird

/// `GET /openapi.json`: the service's OpenAPI 3.1 document, bundled from its `openapi.yaml` — and
/// 405 with `Allow` for any method the document does not declare on a path it does.
public struct OpenAPIController: Sendable {
    let document: String

    public init(document: OpenAPIDocument) {
        self.document = document.json
    }

    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        // Router middleware also wraps the router's not-found answer, whenever it is added.
        router.add(middleware: MethodNotAllowedMiddleware(catalogue: RouteCatalogue(openAPI: document)))
        router.get("/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: document))
            )
        }
    }
}
