import EventContracts
import Foundation
import Synchronization

@testable import SchedulerService

/// The queue and the team a scheduler controller test shows, kept in memory; an availability
/// change records the event the store would publish with it.
final class InMemorySchedulerViews: SchedulerViews {
    struct State {
        var waiting: [WaitingTask] = []
        var employees: [EmployeeSummary] = []
        /// Availability of those whose profile has not arrived: kept, not listed (as in the table).
        var unlisted: [UUID: Availability] = [:]
        var events: [EmployeeAvailabilityChanged] = []
    }

    let state = Mutex(State())

    var events: [EmployeeAvailabilityChanged] { state.withLock { $0.events } }

    func add(_ task: WaitingTask) { state.withLock { $0.waiting.append(task) } }
    func add(_ employee: EmployeeSummary) { state.withLock { $0.employees.append(employee) } }

    func queueDetails(limit: Int?) async throws -> [WaitingTask] {
        let ordered = state.withLock { $0.waiting }.sorted { ($0.task.priority, $0.task.createdAt) < ($1.task.priority, $1.task.createdAt) }
        return Array(ordered.prefix(limit ?? .max))
    }

    func employeeSummaries(only: UUID?) async throws -> [EmployeeSummary] {
        state.withLock { $0.employees }.filter { only == nil || $0.id == only }.sorted { $0.username < $1.username }
    }

    func setAvailability(_ id: UUID, to availability: Availability, reason: String, correlationId: UUID) async throws -> Bool {
        state.withLock { state in
            if let index = state.employees.firstIndex(where: { $0.id == id }) {
                guard state.employees[index].availability != availability else { return false }
                state.employees[index].availability = availability
                state.employees[index].availabilityReason = reason
            } else {
                guard state.unlisted[id] != availability else { return false }
                state.unlisted[id] = availability
            }
            state.events.append(EmployeeAvailabilityChanged(employeeId: id, availability: availability, reason: reason))
            return true
        }
    }
}
