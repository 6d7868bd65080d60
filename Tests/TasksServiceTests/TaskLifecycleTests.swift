import EventContracts
import Foundation
import Testing

@testable import TasksService

@Suite struct TaskLifecycleTests {
    typealias Lifecycle = TaskLifecycle
    let employee = UUID()
    let reservation = UUID()

    func state(_ status: TaskStatus, attempt: Int = 1, maxAttempts: Int = 3, flagged: Bool = false) -> Lifecycle.State {
        var state = Lifecycle.State.new(maxAttempts: maxAttempts)
        state.status = status
        state.attempt = attempt
        state.flagged = flagged
        state.version = 7
        if status == .assigned || status == .inProgress { state.assigneeId = employee }
        if status == .assigned { state.reservationId = reservation }
        return state
    }

    /// Every action, and the statuses it is allowed from; everything else must be refused.
    static let table: [(String, Lifecycle.Action, Set<TaskStatus>)] = [
        ("assign", .assign(employeeId: UUID(), reservationId: UUID()), [.pending]),
        ("accept", .accept, [.assigned]),
        ("progress 50", .progress(50), [.inProgress]),
        ("progress 0", .progress(0), [.inProgress]),
        ("progress 100", .progress(100), [.inProgress]),
        ("progress 101", .progress(101), []),
        ("progress -1", .progress(-1), []),
        ("complete", .complete, [.inProgress]),
        ("fail", .fail, [.inProgress]),
        ("requeue: reservation expired", .requeue(.reservationExpired), [.assigned]),
        ("requeue: admin unassign", .requeue(.adminUnassign), [.assigned, .inProgress]),
        ("requeue: employee gone", .requeue(.employeeGone), [.assigned, .inProgress]),
        ("requeue: retry (only through fail)", .requeue(.retry), []),
        ("requeue: admin retry (only through retry)", .requeue(.adminRetry), []),
        ("flag", .flag, [.inProgress]),
        ("cancel", .cancel, [.pending, .assigned, .inProgress]),
        ("retry", .retry, [.failed]),
        ("edit", .edit(TaskEdit(priority: 1)), [.pending, .assigned, .inProgress]),
    ]

    @Test(arguments: Self.table.indices)
    func everyActionIsAllowedExactlyFromItsStatuses(index: Int) {
        let (name, action, allowed) = Self.table[index]
        for status in TaskStatus.allCases {
            let result = Result { () throws(Lifecycle.NotAllowed) in try Lifecycle.apply(action, to: state(status)) }
            switch result {
            case .success(let (next, _)):
                #expect(allowed.contains(status), "\(name) from \(status) should be refused")
                #expect(next.version == 8, "every transition bumps the version")
            case .failure(let error):
                #expect(!allowed.contains(status), "\(name) from \(status) should be allowed")
                #expect(error.status == status)
            }
        }
    }

    @Test func anEditLeavesTheStateAndTheOffersClockAsTheyAre() throws {
        let (offered, _) = try Lifecycle.apply(
            .assign(employeeId: UUID(), reservationId: UUID(), expiresAt: Date(timeIntervalSince1970: 1_900_000_000)), to: state(.pending))
        let (edited, _) = try Lifecycle.apply(.edit(TaskEdit(priority: 1, dueAt: .some(nil))), to: offered)
        var expected = offered
        expected.version += 1
        #expect(edited == expected)
    }

    @Test func assignOffersTheTaskToTheEmployee() throws {
        let (next, _) = try Lifecycle.apply(.assign(employeeId: employee, reservationId: reservation), to: state(.pending))
        #expect(next.status == .assigned)
        #expect(next.assigneeId == employee)
        #expect(next.reservationId == reservation)
        #expect(next.attempt == 1)
    }

    @Test func anOfferKnowsWhenItLapsesUntilItIsAnswered() throws {
        let lapse = Date(timeIntervalSince1970: 1_800_000_060)
        let (offered, _) = try Lifecycle.apply(
            .assign(employeeId: employee, reservationId: reservation, expiresAt: lapse), to: state(.pending))
        #expect(offered.offerExpiresAt == lapse)
        #expect(try Lifecycle.apply(.accept, to: offered).0.offerExpiresAt == nil)
        let (declined, _) = try Lifecycle.apply(.requeue(.declined), to: offered)
        #expect(declined.status == .pending && declined.assigneeId == nil && declined.offerExpiresAt == nil)
    }

    @Test func onlyAnOfferCanBeDeclined() {
        for status in TaskStatus.allCases where status != .assigned {
            #expect(throws: Lifecycle.NotAllowed.self) { try Lifecycle.apply(.requeue(.declined), to: state(status)) }
        }
    }

    @Test func acceptStartsWorkAndEndsTheReservation() throws {
        let (next, _) = try Lifecycle.apply(.accept, to: state(.assigned))
        #expect(next.status == .inProgress)
        #expect(next.assigneeId == employee)
        #expect(next.reservationId == nil)
    }

    @Test func progressIsRecordedAndClearsAFlag() throws {
        let (next, _) = try Lifecycle.apply(.progress(40), to: state(.inProgress, flagged: true))
        #expect(next.progress == 40)
        #expect(next.status == .inProgress)
        #expect(!next.flagged)
    }

    @Test func aFailureWithAttemptsLeftRequeuesForTheNextAttempt() throws {
        let (next, outcome) = try Lifecycle.apply(.fail, to: state(.inProgress, attempt: 2, maxAttempts: 3))
        #expect(outcome == .failedWillRetry(nextAttempt: 3))
        #expect(next.status == .pending)
        #expect(next.attempt == 3)
        #expect(next.assigneeId == nil)
        #expect(next.progress == 0)
    }

    @Test func aFailureOnTheLastAttemptIsFinal() throws {
        let (next, outcome) = try Lifecycle.apply(.fail, to: state(.inProgress, attempt: 3, maxAttempts: 3))
        #expect(outcome == .failedFinally)
        #expect(next.status == .failed)
        #expect(next.assigneeId == employee, "the failed task remembers who had it")
    }

    @Test func anAdminRetryGivesAFreshBudget() throws {
        let (next, _) = try Lifecycle.apply(.retry, to: state(.failed, attempt: 3, maxAttempts: 3))
        #expect(next.status == .pending)
        #expect(next.attempt == 1)
        #expect(next.assigneeId == nil)
    }

    @Test func completingSetsFullProgress() throws {
        let (next, _) = try Lifecycle.apply(.complete, to: state(.inProgress))
        #expect(next.status == .completed)
        #expect(next.progress == 100)
    }

    @Test func aTaskIsFlaggedOnceUntilItMoves() throws {
        let (flagged, _) = try Lifecycle.apply(.flag, to: state(.inProgress))
        #expect(flagged.flagged)
        #expect(throws: Lifecycle.NotAllowed.self) { try Lifecycle.apply(.flag, to: flagged) }
        #expect(try Lifecycle.apply(.requeue(.employeeGone), to: flagged).0.status == .pending)
    }

    @Test func cancelKeepsWhoHadIt() throws {
        let (next, _) = try Lifecycle.apply(.cancel, to: state(.inProgress))
        #expect(next.status == .cancelled)
        #expect(next.assigneeId == employee)
    }

    @Test func aWholeLifecycleCountsVersions() throws {
        var current = Lifecycle.State.new(maxAttempts: 2)
        for action: Lifecycle.Action in [
            .assign(employeeId: employee, reservationId: reservation), .accept, .progress(30), .fail,
            .assign(employeeId: UUID(), reservationId: UUID()), .accept, .complete,
        ] {
            current = try Lifecycle.apply(action, to: current).0
        }
        #expect(current.status == .completed)
        #expect(current.attempt == 2)
        #expect(current.version == 8)
    }
}

@Suite struct RetryBackoffTests {
    let backoff = RetryBackoff(initial: .seconds(10), multiplier: 2, maximum: .seconds(60))

    @Test func growsPerAttemptUpToTheCap() {
        #expect(backoff.delay(beforeAttempt: 2) == .seconds(10))
        #expect(backoff.delay(beforeAttempt: 3) == .seconds(20))
        #expect(backoff.delay(beforeAttempt: 4) == .seconds(40))
        #expect(backoff.delay(beforeAttempt: 5) == .seconds(60))
        #expect(backoff.delay(beforeAttempt: 50) == .seconds(60))
    }

    @Test func notBeforeIsNowPlusTheDelay() {
        let now = Date(timeIntervalSince1970: 1_000)
        #expect(backoff.notBefore(attempt: 3, now: now) == Date(timeIntervalSince1970: 1_020))
    }
}
