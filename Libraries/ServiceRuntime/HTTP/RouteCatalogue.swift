import Foundation

/// The routes a service's OpenAPI document declares: path templates (`/api/tasks/{id}`) and the
/// methods of each. Pure; used to answer 405 with `Allow` for a known path and an undeclared
/// method, where the router alone would say 404.
public struct RouteCatalogue: Sendable, Equatable {
    struct Route: Sendable, Equatable {
        /// As the document writes it, `/api/tasks/{id}`.
        let path: String
        /// Literal segments, or nil for a `{parameter}`.
        let segments: [String?]
        let methods: Set<String>

        var literals: Int { segments.count { $0 != nil } }
    }

    let routes: [Route]

    /// Reads the `paths` of an OpenAPI document; an unreadable document declares nothing.
    public init(openAPI document: String) {
        let parsed = (try? JSONSerialization.jsonObject(with: Data(document.utf8))) as? [String: Any]
        let paths = parsed?["paths"] as? [String: Any] ?? [:]
        let verbs: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        routes = paths.compactMap { path, item in
            let methods = Set(((item as? [String: Any]) ?? [:]).keys.filter(verbs.contains).map { $0.uppercased() })
            guard !methods.isEmpty else { return nil }
            return Route(path: path, segments: Self.split(path).map { $0.hasPrefix("{") && $0.hasSuffix("}") ? nil : $0 }, methods: methods)
        }
    }

    /// Every declared operation as `METHOD /path/{parameter}` (the route ⇄ document test's terms).
    public var operations: [String] {
        routes.flatMap { route in route.methods.sorted().map { "\($0) \(route.path)" } }
    }

    /// The methods declared for `path`, or nil when no declared path matches it. A concrete
    /// path is matched before a templated one (OpenAPI 3.1, "Paths Object"): of the declared
    /// paths that match, only those with the most literal segments count — `/tasks/bulk`, not
    /// also `/tasks/{id}`, whatever methods that has.
    public func methods(for path: String) -> Set<String>? {
        let segments = Self.split(path)
        let matching = routes.filter { route in
            route.segments.count == segments.count
                && zip(route.segments, segments).allSatisfy { template, segment in template.map { $0 == segment } ?? !segment.isEmpty }
        }
        guard let concrete = matching.map(\.literals).max() else { return nil }
        return matching.filter { $0.literals == concrete }.reduce(into: Set<String>()) { $0.formUnion($1.methods) }
    }

    private static func split(_ path: String) -> [String] {
        path.split(separator: "?", maxSplits: 1).first.map { $0.split(separator: "/").map(String.init) } ?? []
    }
}
