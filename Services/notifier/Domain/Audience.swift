import EventContracts
import Foundation

/// Who may see an event (DESIGN §6–7): admins see every task, assignment, availability and
/// analytics event; an employee sees only the events about their own tasks and reservations and
/// their own availability. Nobody sees another employee's private events.
enum Audience: Equatable, Hashable, Sendable {
    case admins
    case employee(UUID)

    /// The stored form: `admins` or the employee's id.
    var key: String {
        switch self {
        case .admins: "admins"
        case .employee(let id): id.uuidString
        }
    }

    /// The audiences of an event, from its type and the ids in its data.
    static func of(type: String, data: [String: Any]) -> Set<Audience> {
        var audiences: Set<Audience> = [.admins]
        func employee(_ field: String) {
            if let text = data[field] as? String, let id = UUID(uuidString: text) { audiences.insert(.employee(id)) }
        }
        switch type {
        case "task.requeued":
            // The employee whose task it was learns it left them.
            employee("avoidEmployeeId")
        case "task.assignment_rejected", "task.created":
            break
        case _ where type.hasPrefix("task."):
            employee("assigneeId")
        case "reservation.expired", "employee.availability_changed":
            employee("employeeId")
        default:
            break
        }
        return audiences
    }
}
