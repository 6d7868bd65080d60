import Testing

@testable import ServiceRuntime

@Suite struct SkillListTests {
    @Test func trimmedDeduplicatedInOrder() throws {
        #expect(try SkillList.validated([" billing", "French", "billing ", "french"], field: "skills") == ["billing", "French"])
        #expect(try SkillList.validated((0..<32).map { "s\($0)" }, field: "skills").count == 32)
    }

    /// The document's limits hold for the list as sent: 33 entries that are one skill repeated,
    /// a skill of 33 characters written with 66 code points.
    @Test(arguments: [
        [""], ["  "], [String(repeating: "s", count: 65)], (0..<33).map { "s\($0)" }, Array(repeating: "s", count: 33),
        [String(repeating: "e\u{301}", count: 33)],
    ])
    func refusesBadLists(skills: [String]) {
        #expect {
            try SkillList.validated(skills, field: "requiredSkills")
        } throws: { error in
            (error as? APIError)?.details["field"] == "requiredSkills"
        }
    }
}
