import Foundation
import Testing

@testable import SchedulerService

@Suite struct HeldAssignmentTests {
    func request(seen version: Int?) -> HeldAssignment {
        HeldAssignment(
            taskId: UUID(), employeeId: UUID(), requestedBy: UUID(), version: version, correlationId: UUID(), requestId: UUID()
        )
    }

    @Test func aViewNotCreatedYetHoldsTheRequestWhateverItsVersion() {
        // Events that overtook the creation leave a view at their version, not yet known.
        for version in [0, 1, 5, 9] {
            #expect(!request(seen: 1).isDue(known: false, version: version))
            #expect(!request(seen: nil).isDue(known: false, version: version))
        }
    }

    @Test func aCreatedViewBehindTheVersionTheAdminSawHoldsIt() {
        #expect(!request(seen: 4).isDue(known: true, version: 3))
        #expect(!request(seen: 2).isDue(known: true, version: 1))
    }

    @Test func aCreatedViewAtOrPastThatVersionCarriesItOut() {
        #expect(request(seen: 4).isDue(known: true, version: 4))
        #expect(request(seen: 4).isDue(known: true, version: 6))  // moved on: refused as not waiting
        #expect(request(seen: 1).isDue(known: true, version: 1))
    }

    @Test func aRequestFromBeforeVersionsWaitsOnlyForTheCreation() {
        #expect(request(seen: nil).isDue(known: true, version: 1))
    }

    @Test func itIsStoredAndReadBackWhole() throws {
        let held = request(seen: 7)
        let json = try SchedulerStore.json(held)
        #expect(try JSONDecoder().decode(HeldAssignment.self, from: Data(json.utf8)) == held)
    }
}
