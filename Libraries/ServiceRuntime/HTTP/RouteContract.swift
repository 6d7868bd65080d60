import Foundation
import Hummingbird
import Logging

/// A router's routes held to its OpenAPI document, both ways: what the router answers that the
/// document does not declare, and what the document declares that the router does not answer,
/// each as `METHOD /path/{parameter}`. Both empty: the service keeps to its contract. (The
/// notifier's WebSocket upgrade is on a router of its own, which OpenAPI cannot describe.)
public struct RouteContract: Equatable, Sendable {
    /// Routed, not declared.
    public let undeclared: [String]
    /// Declared, not routed.
    public let unrouted: [String]

    public init(routed: [String], declared: [String]) {
        let (routed, declared) = (Set(routed), Set(declared))
        undeclared = routed.subtracting(declared).sorted()
        unrouted = declared.subtracting(routed).sorted()
    }

    public init<Context>(router: Router<Context>, document: OpenAPIDocument) {
        self.init(routed: router.routes.map { "\($0.method) \($0.path)" }, declared: document.routes)
    }
}

extension OpenAPIDocument {
    /// Every operation the document declares, as `METHOD /path/{parameter}`.
    public var routes: [String] { RouteCatalogue(openAPI: json).operations }
}

extension RouteContract {
    /// A service's contract as it starts with `environment` (the defaults: nothing connects to
    /// build its router), or nil when it has no document.
    public static func of(
        _ descriptor: ServiceDescriptor, setUp: @escaping ServiceLauncher.ServiceSetUp, environment: [String: String] = [:]
    ) throws -> RouteContract? {
        let assembled = try ServiceLauncher.assemble(
            descriptor, configuration: ServiceConfiguration(service: descriptor, environment: environment),
            logger: Logger(label: "orchestrator.\(descriptor.name).routes"), setUp: setUp
        )
        return assembled.document.map { RouteContract(router: assembled.router, document: $0) }
    }
}
