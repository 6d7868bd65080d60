import Foundation
import Testing

@testable import SchedulerService

@Suite struct WaitReasonTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func task(
        skills: Set<String> = ["billing"], notBefore: Date? = nil, avoid: UUID? = nil, avoidUntil: Date? = nil
    ) -> AssignmentPolicy.QueuedTask {
        AssignmentPolicy.QueuedTask(
            id: UUID(), version: 1, priority: 3, requiredSkills: skills, createdAt: now, avoidEmployeeId: avoid, notBefore: notBefore,
            avoidUntil: avoidUntil
        )
    }

    func person(
        online: Bool = true, available: Bool = true, load: Int = 0, skills: Set<String> = ["billing"], active: Bool = true
    ) -> WaitReason.Employee {
        WaitReason.Employee(id: UUID(), active: active, online: online, available: available, load: load, capacity: 1, skills: skills)
    }

    @Test func eachObstacleIsNamedInTheOrderThePolicyMeetsIt() {
        #expect(WaitReason.of(task(notBefore: now.addingTimeInterval(5)), employees: [person()], at: now).code == .retryWait)
        #expect(WaitReason.of(task(), employees: [person(skills: []), person(active: false)], at: now).code == .noSkill)
        #expect(WaitReason.of(task(), employees: [person(online: false)], at: now).code == .nobodyOnline)
        #expect(WaitReason.of(task(), employees: [person(available: false), person(online: false)], at: now).code == .everyoneAway)
        #expect(WaitReason.of(task(), employees: [person(load: 1), person(available: false)], at: now).code == .everyoneFull)
        #expect(WaitReason.of(task(), employees: [person(load: 1), person()], at: now).code == .next)
    }

    @Test func aDeclinedTaskWaitsOnlyWhileTheDeclinerIsTheOnlyOneAndTheirHoldLasts() {
        let decliner = person()
        let held = task(avoid: decliner.id, avoidUntil: now.addingTimeInterval(60))
        #expect(WaitReason.of(held, employees: [decliner], at: now).code == .declinedHold)
        #expect(WaitReason.of(held, employees: [decliner, person()], at: now).code == .next)
        #expect(WaitReason.of(held, employees: [decliner], at: now.addingTimeInterval(61)).code == .next)
    }

    @Test func theTextNamesTheMissingSkills() {
        #expect(WaitReason.of(task(skills: ["french", "billing"]), employees: [], at: now).text.contains("billing, french"))
    }
}
