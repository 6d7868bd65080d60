import Testing

@testable import ServiceRuntime

@Suite struct SkillListTests {
    @Test func trimmedDeduplicatedInOrder() throws {
        #expect(try SkillList.validated([" billing", "French", "billing ", "french"], field: "skills") == ["billing", "French"])
        #expect(try SkillList.validated((0..<32).map { "s\($0)" }, field: "skills").count == 32)
    }

    @Test(arguments: [[""], ["  "], [String(repeating: "s", count: 65)], (0..<33).map { "s\($0)" }])
    func refusesBadLists(skills: [String]) {
        #expect {
            try SkillList.validated(skills, field: "requiredSkills")
        } throws: { error in
            (error as? APIError)?.details["field"] == "requiredSkills"
        }
    }
}
