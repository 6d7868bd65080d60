import EventContracts
import Foundation
import Testing

/// Each event type has one publisher, in its contract; the catalogue in docs/events.md says the
/// same, and the broker's permissions are made from it (docs/security.md, "Between the services").
@Suite struct EventPublisherTests {
    /// The catalogue's rows in docs/events.md: each type with the publisher its row names.
    static func documented() throws -> [String: String] {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "../../docs/events.md")
        let text = try String(contentsOf: file, encoding: .utf8)
        let section = try #require(
            text.components(separatedBy: "## The catalogue").dropFirst().first?.components(separatedBy: "\n## ").first)
        var publishers: [String: String] = [:]
        for line in section.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            for type in cells[0].split(separator: ",") {
                publishers[type.trimmingCharacters(in: CharacterSet(charactersIn: " `"))] = cells[1]
            }
        }
        return publishers
    }

    @Test func theDocumentedCatalogueNamesEachTypesPublisher() throws {
        let contracts = Dictionary(uniqueKeysWithValues: EventCatalogue.all.map { ($0.eventType, $0.publisher.rawValue) })
        #expect(try Self.documented() == contracts)
    }

    @Test func everyTypeIsPublishedByExactlyOneService() {
        let owned = EventPublisher.allCases.flatMap { EventCatalogue.eventTypes(publishedBy: $0) }
        #expect(owned.sorted() == EventCatalogue.all.map { $0.eventType }.sorted())
        #expect(EventCatalogue.eventTypes(publishedBy: .auth) == ["user.registered", "user.updated"])
        #expect(EventCatalogue.eventTypes(publishedBy: .analytics) == ["analytics.updated"])
        #expect(EventCatalogue.eventTypes(publishedBy: .notifier) == ["presence.online", "presence.offline"])
    }
}
