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

    /// The fields of an event's data that say who it concerns. Whatever else the data holds, and
    /// whatever these hold that is not an id, does not matter here.
    struct Fields: Decodable, Equatable {
        var assigneeId: UUID?
        var avoidEmployeeId: UUID?
        var employeeId: UUID?

        init(assigneeId: UUID? = nil, avoidEmployeeId: UUID? = nil, employeeId: UUID? = nil) {
            self.assigneeId = assigneeId
            self.avoidEmployeeId = avoidEmployeeId
            self.employeeId = employeeId
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            assigneeId = try? container.decodeIfPresent(UUID.self, forKey: .assigneeId)
            avoidEmployeeId = try? container.decodeIfPresent(UUID.self, forKey: .avoidEmployeeId)
            employeeId = try? container.decodeIfPresent(UUID.self, forKey: .employeeId)
        }

        private enum CodingKeys: String, CodingKey { case assigneeId, avoidEmployeeId, employeeId }
    }

    /// The audiences of an event, from its type and the ids in its data.
    static func of(type: String, fields: Fields) -> Set<Audience> {
        var audiences: Set<Audience> = [.admins]
        func employee(_ id: UUID?) {
            if let id { audiences.insert(.employee(id)) }
        }
        switch type {
        case "task.requeued":
            // The employee whose task it was learns it left them.
            employee(fields.avoidEmployeeId)
        case "task.assignment_rejected", "task.created":
            break
        case _ where type.hasPrefix("task."):
            employee(fields.assigneeId)
        case "reservation.expired", "employee.availability_changed":
            employee(fields.employeeId)
        default:
            break
        }
        return audiences
    }
}
