import EventContracts
import Foundation

/// Skills, as accounts hold them and tasks require them: at most 32, each 1–64 characters,
/// trimmed, duplicates (ignoring case) dropped, in the order given.
public enum SkillList {
    public static let maximumCount = 32
    public static let maximumLength = 64

    /// The cleaned list, or a 422 naming `field`.
    public static func validated(_ values: [String], field: String) throws -> [String] {
        // The document's limits hold for the list as sent, before duplicates are dropped.
        guard values.count <= maximumCount else { throw APIError.invalid(field, "at most 32 skills") }
        var seen: Set<String> = []
        var skills: [String] = []
        for value in values {
            let skill = value.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !skill.isEmpty, value.schemaLength <= maximumLength else {
                throw APIError.invalid(field, "each skill must be 1–64 characters")
            }
            if seen.insert(skill.lowercased()).inserted { skills.append(skill) }
        }
        return skills
    }
}
