import Testing

@testable import TasksService

/// What a search finds: every word typed begins a word of the name, ignoring case; the query
/// PostgreSQL is given holds nothing but those words as prefixes.
@Suite struct TaskSearchTests {
    @Test(arguments: [
        ("Check invoice 4711", "inv 47", true), ("Check invoice 4711", "INVOICE", true), ("Check invoice 4711", "voice", false),
        ("Check invoice 4711", "invoice 48", false), ("cli-task-abc", "task ab", true), ("Ünïcode naïve", "naï", true),
        ("Check invoice", "   ", false), ("Check invoice", "%_\\", false),
    ])
    func aNameIsFoundByTheBeginningsOfItsWords(name: String, typed: String, found: Bool) {
        #expect(TaskSearch.matches(name, typed) == found)
    }

    @Test func theQueryHoldsOnlyWordsAsPrefixes() {
        #expect(TaskSearch.query("  Inv' | 47!:* ") == "inv:* & 47:*")
        #expect(TaskSearch.query("'&|!():*") == nil)
    }
}
