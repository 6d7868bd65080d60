import Hummingbird

/// `GET /openapi.json`: the service's OpenAPI 3.1 document, as written next to its routes.
public struct OpenAPIController: Sendable {
    let document: String

    public init(document: String) {
        self.document = document
    }

    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get("/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: document))
            )
        }
    }
}
