import Foundation

/// compose/stack.conf, the one description of the services: what each service's built-in defaults
/// (its `ServiceDescriptor`) are held to.
public enum StackTable {
    public struct Entry: Equatable, Sendable {
        /// The port with the edge on its default 8080.
        public let defaultPort: Int
        public let scalable: Bool
        public let usesRedis: Bool
    }

    /// The table's line for `service`, nil when it has none.
    public static func entry(of service: String) throws -> Entry? {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "../../compose/stack.conf")
        for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
            let fields = line.split(whereSeparator: \.isWhitespace)
            guard fields.count == 4, fields[0] == service, let offset = Int(fields[1]) else { continue }
            return Entry(defaultPort: 8_080 + offset, scalable: fields[2] == "scalable", usesRedis: fields[3] == "yes")
        }
        return nil
    }
}
