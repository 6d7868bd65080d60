import Foundation

/// How the admin's search reads what was typed (docs/tasks.md, "API"): the words of a name are
/// its runs of letters and digits, ignoring case; a search finds the tasks whose name has, for
/// every word typed, a word beginning with it ("inv 47" finds "Check invoice 4711"). Pure, so the
/// in-memory store of the tests and PostgreSQL agree: the words stored for a name and the prefix
/// query are both made here. (PostgreSQL's own parser, `to_tsvector`, reads "task-2e383ad" as
/// the number 2e383 and the word "ad", and in the database's C locale lower-cases only ASCII:
/// one name in twenty of the tests' `cli-task-<hex>` could not be found by its own words.)
enum TaskSearch {
    /// The words of `text`, lower-cased.
    static func words(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    /// The lexemes stored for a task's name (`array_to_tsvector`, which drops repeats).
    static func lexemes(_ name: String) -> [String] { words(name) }

    /// The PostgreSQL `tsquery` for `text` (taken as it is, `::tsquery`, not parsed again) — every word as a prefix, all required — or nil when it
    /// has no word. The words hold only letters and digits, so nothing in them is tsquery syntax.
    static func query(_ text: String) -> String? {
        let words = words(text)
        guard !words.isEmpty else { return nil }
        return words.map { "\($0):*" }.joined(separator: " & ")
    }

    /// Whether `name` is found by `text` (the same rule, in memory).
    static func matches(_ name: String, _ text: String) -> Bool {
        let typed = words(text)
        let own = words(name)
        return !typed.isEmpty && typed.allSatisfy { word in own.contains { $0.hasPrefix(word) } }
    }
}
