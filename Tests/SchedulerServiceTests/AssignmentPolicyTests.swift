import Foundation
import Testing

@testable import SchedulerService

@Suite struct AssignmentPolicyTests {
    typealias QueuedTask = AssignmentPolicy.QueuedTask
    typealias Candidate = AssignmentPolicy.Candidate

    let policy = AssignmentPolicy(agingStep: .seconds(60))
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func task(_ priority: Int, ageSeconds: Double = 0, skills: Set<String> = [], avoid: UUID? = nil, notBefore: Date? = nil) -> QueuedTask {
        QueuedTask(
            id: UUID(), version: 1, priority: priority, requiredSkills: skills, createdAt: now.addingTimeInterval(-ageSeconds),
            avoidEmployeeId: avoid, notBefore: notBefore
        )
    }

    func employee(skills: Set<String> = [], capacity: Int = 1, load: Int = 0, lastAssigned: Date? = nil) -> Candidate {
        Candidate(id: UUID(), skills: skills, capacity: capacity, load: load, lastAssignedAt: lastAssigned)
    }

    @Test func mostUrgentFirstThenOldest() {
        let young1 = task(1, ageSeconds: 1), old1 = task(1, ageSeconds: 5), urgent3 = task(3, ageSeconds: 30),
            low5 = task(5, ageSeconds: 50)
        #expect(policy.order([low5, young1, urgent3, old1], at: now).map(\.id) == [old1, young1, urgent3, low5].map(\.id))
    }

    @Test func waitingImprovesPriorityOneLevelPerStep() {
        #expect(policy.effectivePriority(of: task(5, ageSeconds: 59), at: now) == 5)
        #expect(policy.effectivePriority(of: task(5, ageSeconds: 60), at: now) == 4)
        #expect(policy.effectivePriority(of: task(5, ageSeconds: 150), at: now) == 3)
        #expect(policy.effectivePriority(of: task(5, ageSeconds: 100_000), at: now) == 1)
        #expect(policy.effectivePriority(of: task(1, ageSeconds: 100_000), at: now) == 1)
        // An aged priority-4 task (now 2) goes before a fresh priority-3 one.
        let aged = task(4, ageSeconds: 120), fresh = task(3)
        #expect(policy.order([fresh, aged], at: now).map(\.id) == [aged.id, fresh.id])
    }

    @Test func onlyEmployeesHoldingEveryRequiredSkillAreChosen() {
        let both = employee(skills: ["billing", "french"]), one = employee(skills: ["billing"])
        let plan = policy.plan(queue: [task(1, skills: ["billing", "french"])], candidates: [one, both], at: now)
        #expect(plan.map(\.employeeId) == [both.id])
        #expect(policy.plan(queue: [task(1, skills: ["german"])], candidates: [one, both], at: now).isEmpty)
    }

    @Test func neverAboveCapacityWithinARound() {
        let small = employee(capacity: 1), big = employee(capacity: 3)
        let plan = policy.plan(queue: (0..<10).map { task(3, ageSeconds: Double($0)) }, candidates: [small, big], at: now)
        #expect(plan.count == 4)
        #expect(plan.filter { $0.employeeId == small.id }.count == 1)
        #expect(plan.filter { $0.employeeId == big.id }.count == 3)
        #expect(policy.plan(queue: [task(1)], candidates: [employee(capacity: 2, load: 2)], at: now).isEmpty)
    }

    @Test func lowestLoadRatioWinsThenLongestIdle() {
        let busy = employee(capacity: 2, load: 1, lastAssigned: now.addingTimeInterval(-3_600))
        let idleLong = employee(capacity: 4, load: 1, lastAssigned: now.addingTimeInterval(-600))
        let idleShort = employee(capacity: 4, load: 1, lastAssigned: now.addingTimeInterval(-60))
        // 1/4 beats 1/2 however long the other has been idle; between equal ratios the longer idle wins.
        #expect(policy.plan(queue: [task(1)], candidates: [busy, idleShort, idleLong], at: now).map(\.employeeId) == [idleLong.id])
        let never = employee(capacity: 4, load: 1, lastAssigned: nil)
        #expect(policy.plan(queue: [task(1)], candidates: [idleLong, never], at: now).map(\.employeeId) == [never.id])
    }

    @Test func aRoundSpreadsWorkEvenly() {
        let team = (0..<4).map { _ in employee(capacity: 2) }
        let plan = policy.plan(queue: (0..<8).map { task(3, ageSeconds: Double($0)) }, candidates: team, at: now)
        for member in team { #expect(plan.filter { $0.employeeId == member.id }.count == 2) }
        // The first four go one to each, before anyone gets a second.
        #expect(Set(plan.prefix(4).map(\.employeeId)).count == 4)
    }

    @Test func theAvoidedEmployeeGetsARetryOnlyWhenNobodyElseCan() {
        let previous = employee(skills: ["x"]), other = employee(skills: ["x"])
        let retry = task(2, skills: ["x"], avoid: previous.id)
        #expect(policy.plan(queue: [retry], candidates: [previous, other], at: now).map(\.employeeId) == [other.id])
        #expect(policy.plan(queue: [retry], candidates: [previous], at: now).map(\.employeeId) == [previous.id])
    }

    @Test func aDeclinedTaskGoesToSomeoneElseAndBackOnlyAfterTheHold() {
        let decliner = employee(skills: ["x"]), other = employee(skills: ["x"])
        var declined = task(2, skills: ["x"], avoid: decliner.id)
        declined.avoidUntil = now.addingTimeInterval(300)
        #expect(policy.plan(queue: [declined], candidates: [decliner, other], at: now).map(\.employeeId) == [other.id])
        // Alone, the decliner does not get it straight back …
        #expect(policy.plan(queue: [declined], candidates: [decliner], at: now).isEmpty)
        // … only once the hold has passed.
        #expect(policy.plan(queue: [declined], candidates: [decliner], at: now.addingTimeInterval(301)).map(\.employeeId) == [decliner.id])
    }

    @Test func nothingIsAssignedBeforeItsNotBeforeTime() {
        let waiting = task(1, notBefore: now.addingTimeInterval(5)), ready = task(5, notBefore: now.addingTimeInterval(-1))
        #expect(policy.plan(queue: [waiting, ready], candidates: [employee()], at: now).map(\.taskId) == [ready.id])
    }

    @Test func proposalsCarryTheVersionTheySaw() {
        var seen = task(1)
        seen.version = 7
        #expect(policy.plan(queue: [seen], candidates: [employee()], at: now).first?.expectedVersion == 7)
    }

    @Test func manualAssignmentIsRefusedOnlyForCapacityOrAnInactiveAccount() {
        typealias Target = AssignmentPolicy.ManualTarget
        #expect(AssignmentPolicy.refusal(employee: Target(isEmployee: true, active: true, capacity: 2, load: 1)) == nil)
        #expect(AssignmentPolicy.refusal(employee: Target(isEmployee: true, active: true, capacity: 2, load: 2)) != nil)
        #expect(AssignmentPolicy.refusal(employee: Target(isEmployee: true, active: false, capacity: 2, load: 0)) != nil)
        #expect(AssignmentPolicy.refusal(employee: Target(isEmployee: false, active: true, capacity: 2, load: 0)) != nil)
        #expect(AssignmentPolicy.refusal(employee: nil) != nil)
    }

    @Test func priorityFiveIsNotStarvedBySustainedPriorityOneLoad() {
        // One employee; every minute a new priority-1 task arrives and one task is served.
        let low = task(5, ageSeconds: 0)
        var queue = [low]
        var clock = now
        var servedAt: Int?
        for minute in 0..<60 {
            queue.append(
                QueuedTask(
                    id: UUID(), version: 1, priority: 1, requiredSkills: [], createdAt: clock, avoidEmployeeId: nil, notBefore: nil
                ))
            guard let proposal = policy.plan(queue: queue, candidates: [employee()], at: clock).first else { break }
            queue.removeAll { $0.id == proposal.taskId }
            if proposal.taskId == low.id {
                servedAt = minute
                break
            }
            clock = clock.addingTimeInterval(60)
        }
        // After four aging steps it is as urgent as the newcomers and older than all of them.
        #expect(servedAt != nil && servedAt! <= 5)
    }
}
