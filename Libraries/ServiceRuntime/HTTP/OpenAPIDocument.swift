import Crypto
import Foundation
import Yams

/// A service's OpenAPI document as it serves it: its own `openapi.yaml` with what every service
/// shares (`OpenAPI/common.yaml`: the runtime's routes, the bearer scheme, the error body and the
/// error responses) copied in, as JSON (docs/api.md, "The documents").
///
/// A service's file names a shared part by a reference into the common file
/// (`…/common.yaml#/components/schemas/Error`); bundling turns each into a reference inside the
/// served document and adds the common file's paths and components, so the served document stands
/// alone. A reference to any other file, or a path or component both files define, is an error:
/// the service does not start with a document it cannot serve whole.
public struct OpenAPIDocument: Sendable {
    /// The bundled document, as JSON.
    public let json: String

    /// The SHA-256 of ``json``, hex: what a client generated from the document records
    /// (Libraries/API/<Name>API/GeneratedFrom.swift).
    public var sha256: String {
        SHA256.hash(data: Data(json.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public enum BundlingError: Error, CustomStringConvertible, Equatable {
        case unreadable(String)
        case foreignReference(String)
        case definedTwice(String)

        public var description: String {
            switch self {
            case .unreadable(let what): "the OpenAPI document cannot be read: \(what)"
            case .foreignReference(let ref): "the OpenAPI document refers to another file than common.yaml: \(ref)"
            case .definedTwice(let what): "the OpenAPI document defines what common.yaml defines: \(what)"
            }
        }
    }

    /// The file every document may refer to.
    static let commonFile = "common.yaml"

    /// Bundles a document's YAML with the common file's.
    public init(yaml: String, common: String) throws {
        var document = try Self.mapping(yaml, "the service's document")
        let shared = try Self.mapping(common, Self.commonFile)
        guard let rewritten = try Self.localizingReferences(in: document) as? [String: Any] else {
            throw BundlingError.unreadable("the service's document is not a mapping")
        }
        document = rewritten

        var paths = document["paths"] as? [String: Any] ?? [:]
        for (path, item) in shared["paths"] as? [String: Any] ?? [:] {
            guard paths[path] == nil else { throw BundlingError.definedTwice("paths.\(path)") }
            paths[path] = item
        }
        document["paths"] = paths

        var components = document["components"] as? [String: Any] ?? [:]
        for (section, entries) in shared["components"] as? [String: Any] ?? [:] {
            var own = components[section] as? [String: Any] ?? [:]
            for (name, value) in entries as? [String: Any] ?? [:] {
                guard own[name] == nil else { throw BundlingError.definedTwice("components.\(section).\(name)") }
                own[name] = value
            }
            components[section] = own
        }
        document["components"] = components

        let data = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
        json = String(decoding: data, as: UTF8.self)
    }

    /// A service's document from its resources, bundled with the runtime's common file.
    public static func load(from bundle: Bundle) throws -> OpenAPIDocument {
        try OpenAPIDocument(yaml: resource("openapi.yaml", in: bundle), common: resource(commonFile, in: .module))
    }

    private static func resource(_ name: String, in bundle: Bundle) throws -> String {
        let url = bundle.url(forResource: (name as NSString).deletingPathExtension, withExtension: (name as NSString).pathExtension)
        guard let url, let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw BundlingError.unreadable("\(name) is not among the resources of \(bundle.bundlePath)")
        }
        return text
    }

    /// The YAML text as a JSON-compatible mapping.
    private static func mapping(_ yaml: String, _ what: String) throws -> [String: Any] {
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: yaml)
        } catch {
            throw BundlingError.unreadable("\(what): \(error)")
        }
        guard let object = try jsonCompatible(loaded as Any) as? [String: Any] else {
            throw BundlingError.unreadable("\(what) is not a mapping")
        }
        return object
    }

    /// YAML's values as JSONSerialization takes them: keys as strings, and a scalar YAML reads as
    /// something JSON has not (an unquoted date or time) as RFC 3339 text.
    private static func jsonCompatible(_ value: Any) throws -> Any {
        switch value {
        case let mapping as [AnyHashable: Any]:
            var object: [String: Any] = [:]
            for (key, value) in mapping { object["\(key.base)"] = try jsonCompatible(value) }
            return object
        case let mapping as [String: Any]:
            return try mapping.mapValues(jsonCompatible)
        case let sequence as [Any]:
            return try sequence.map(jsonCompatible)
        case let date as Date:
            return ISO8601DateFormatter().string(from: date)
        case is String, is Int, is Double, is Bool, is NSNull:
            return value
        default:
            throw BundlingError.unreadable("a value JSON cannot hold: \(value)")
        }
    }

    /// Every `$ref` into the common file made a reference inside the document.
    private static func localizingReferences(in value: Any) throws -> Any {
        switch value {
        case let object as [String: Any]:
            var result: [String: Any] = [:]
            for (key, value) in object {
                if key == "$ref", let ref = value as? String {
                    result[key] = try localized(ref)
                } else {
                    result[key] = try localizingReferences(in: value)
                }
            }
            return result
        case let array as [Any]:
            return try array.map(localizingReferences)
        default:
            return value
        }
    }

    private static func localized(_ ref: String) throws -> String {
        guard let hash = ref.firstIndex(of: "#") else { throw BundlingError.foreignReference(ref) }
        let file = ref[..<hash]
        guard !file.isEmpty else { return ref }
        guard file == commonFile || file.hasSuffix("/\(commonFile)") else { throw BundlingError.foreignReference(ref) }
        return String(ref[hash...])
    }
}
